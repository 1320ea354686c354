import type { ServerResponse } from "node:http";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

/** How the fake API answers one `METHOD /path` of a namespace (sticky: every call gets it). */
export interface DownstreamScript {
  status?: number;
  json?: unknown;
  /** Waits this long before answering (for client timeouts). */
  delayMs?: number;
  /** Answers with a redirect to this URL. */
  location?: string;
  /** Answers with this many bytes of text, chunked (no Content-Length), for size caps. */
  bytes?: number;
  /** Puts the Authorization header it received into the JSON body (a leaky API). */
  echoAuth?: boolean;
}

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const PREFIX = "/downstream/";

function parse(body: string): unknown {
  if (!body) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

async function writeBytes(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { "content-type": "text/plain" });
  const chunk = "x".repeat(16 * 1024);
  for (let sent = 0; sent < bytes && !res.destroyed; sent += chunk.length) {
    res.write(chunk.slice(0, Math.min(chunk.length, bytes - sent)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

/**
 * A tenant's downstream API for plan tests, under `/downstream/<namespace>/…` (one namespace per
 * test): it records every request (headers, query, body) and answers as scripted — JSON, errors,
 * redirects, slow or huge responses — else echoes what it got. Inspection under `/_test/downstream/`.
 */
export function downstreamRoutes(): FakeRoute[] {
  const scripts = new Map<string, DownstreamScript>();
  const requests = new Map<string, Recorded[]>();

  const handle = async (req: FakeRequest): Promise<FakeResponse> => {
    const rest = req.url.pathname.slice(PREFIX.length);
    const slash = rest.indexOf("/");
    const ns = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? "/" : rest.slice(slash);
    const recorded: Recorded = {
      method: req.method,
      path,
      query: Object.fromEntries(req.url.searchParams),
      authorization: req.headers.authorization ?? null,
      contentType: req.headers["content-type"] ?? null,
      body: parse(req.body),
    };
    requests.set(ns, [...(requests.get(ns) ?? []), recorded]);
    const script = scripts.get(`${ns} ${req.method} ${path}`) ?? {};
    if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    if (script.location) {
      const location = script.location;
      return { status: 0, raw: async (res) => void res.writeHead(script.status ?? 302, { location }).end() };
    }
    if (script.bytes) {
      const bytes = script.bytes;
      return { status: 0, raw: (res) => writeBytes(res, bytes) };
    }
    const json = script.json ?? {
      ok: true,
      method: req.method,
      path,
      query: recorded.query,
      body: recorded.body,
    };
    const withAuth = script.echoAuth ? { ...(json as object), authorization: recorded.authorization } : json;
    return { status: script.status ?? 200, json: withAuth };
  };

  return [
    ...METHODS.map((method) => ({ method, path: `${PREFIX}*`, handle })),
    {
      method: "POST",
      path: "/_test/downstream/script",
      handle: (req) => {
        const { ns, routes } = JSON.parse(req.body) as {
          ns: string;
          routes: Record<string, DownstreamScript>;
        };
        for (const [route, script] of Object.entries(routes)) scripts.set(`${ns} ${route}`, script);
        return { status: 200, json: { scripted: Object.keys(routes).length } };
      },
    },
    {
      method: "GET",
      path: "/_test/downstream/requests",
      handle: (req) => ({ status: 200, json: requests.get(req.url.searchParams.get("ns") ?? "") ?? [] }),
    },
  ];
}
