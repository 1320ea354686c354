import { randomBytes } from "node:crypto";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

/**
 * The Meta Graph API for WhatsApp Cloud API, Messenger and Instagram tests, under
 * `/meta/<namespace>/<host>/<version>/…` (one namespace per test; host `facebook` or `instagram`
 * stands for graph.facebook.com or graph.instagram.com). It answers as Graph does: sends return a
 * wamid (`messages[0].id`) or a `message_id`, `/me` and `/{id}?fields=` return the namespace's
 * profile, media ids resolve to a download URL that needs the token; bad requests and scripted
 * failures get Graph's error body `{ error: { message, type, code, error_subcode, fbtrace_id } }`.
 * Every call is recorded. Control and inspection under `/_test/meta/…`. Profiles and scripts may be
 * bound to one access token (and calls read per token), so tests that share a namespace (the Worker's
 * META_GRAPH_BASE) keep their own state.
 */

/** A scripted answer to `METHOD /path` (below the version; `*` for any call), for `times` calls or for good. */
export interface MetaScript {
  status?: number;
  /** A Graph error body with this code (and subcode, message, type). */
  error?: { code: number; error_subcode?: number; message?: string; type?: string; is_transient?: boolean };
  /** Any other JSON answer. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Answers this much later (client timeouts). */
  delayMs?: number;
  times?: number;
}

interface Recorded {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  body: unknown;
}

interface Media {
  bytes: Buffer;
  mimeType: string;
}

interface Namespace {
  profile: Record<string, unknown>;
  profiles: Map<string, Record<string, unknown>>;
  media: Map<string, Media>;
  scripts: Map<string, MetaScript>;
  calls: Recorded[];
}

const PREFIX = "/meta/";
const GRAPH_PATH = /^\/(facebook|instagram)\/(v\d+\.\d+)(\/.*)$/;

const id = (prefix: string) => `${prefix}${randomBytes(12).toString("base64url")}`;

function graphError(
  status: number,
  error: NonNullable<MetaScript["error"]>,
  headers?: Record<string, string>,
): FakeResponse {
  const body = {
    error: {
      message: error.message ?? `(#${error.code}) Scripted error`,
      type: error.type ?? "OAuthException",
      code: error.code,
      ...(error.error_subcode === undefined ? {} : { error_subcode: error.error_subcode }),
      ...(error.is_transient === undefined ? {} : { is_transient: error.is_transient }),
      fbtrace_id: id("A"),
    },
  };
  return { status, json: body, ...(headers ? { headers } : {}) };
}

const invalid = (message: string) => graphError(400, { code: 100, message: `(#100) ${message}` });

function parse(body: string): unknown {
  if (!body) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

function bearer(req: FakeRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7);
  return req.url.searchParams.get("access_token");
}

/** The Cloud API's answer to a send, or its (#100) error. */
function whatsappSend(body: Record<string, unknown>): FakeResponse {
  const to = body.to;
  if (typeof to !== "string" || to === "") return invalid("The parameter to is required.");
  if (body.type === "text") {
    const text = record(body.text).body;
    if (typeof text !== "string" || text === "") return invalid("The parameter text['body'] is required.");
  } else if (body.type === "template") {
    const template = record(body.template);
    if (typeof template.name !== "string" || typeof record(template.language).code !== "string")
      return invalid("The parameter template['name'] and template['language']['code'] are required.");
  } else return invalid("Unsupported message type in this fake.");
  const message =
    body.type === "template" ? { id: id("wamid."), message_status: "accepted" } : { id: id("wamid.") };
  return {
    status: 200,
    json: { messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }], messages: [message] },
  };
}

/** The Send API's answer (Messenger/Instagram), or its (#100) error. */
function messagingSend(body: Record<string, unknown>): FakeResponse {
  const recipient = record(body.recipient).id;
  if (typeof recipient !== "string" || recipient === "")
    return invalid("The parameter recipient is required.");
  const type = body.messaging_type;
  if (type !== "RESPONSE" && type !== "UPDATE" && type !== "MESSAGE_TAG")
    return invalid("param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}.");
  if (type === "MESSAGE_TAG" && typeof body.tag !== "string")
    return invalid("param tag is required with MESSAGE_TAG.");
  const text = record(body.message).text;
  if (typeof text !== "string" || text === "") return invalid("param message must be non-empty.");
  return { status: 200, json: { recipient_id: recipient, message_id: id("m_") } };
}

export function metaRoutes(): FakeRoute[] {
  const spaces = new Map<string, Namespace>();
  const space = (ns: string): Namespace => {
    let found = spaces.get(ns);
    if (!found) {
      found = {
        profile: { id: "0", name: "Fake Page" },
        profiles: new Map(),
        media: new Map(),
        scripts: new Map(),
        calls: [],
      };
      spaces.set(ns, found);
    }
    return found;
  };

  const scripted = (s: Namespace, key: string, token: string | null): MetaScript | undefined => {
    const names = token ? [`${token}|${key}`, `${token}|*`, key, "*"] : [key, "*"];
    for (const name of names) {
      const script = s.scripts.get(name);
      if (!script) continue;
      if (script.times !== undefined) {
        script.times -= 1;
        if (script.times <= 0) s.scripts.delete(name);
      }
      return script;
    }
    return undefined;
  };

  const handle = async (req: FakeRequest): Promise<FakeResponse> => {
    const rest = req.url.pathname.slice(PREFIX.length);
    const slash = rest.indexOf("/");
    const ns = slash === -1 ? rest : rest.slice(0, slash);
    const tail = slash === -1 ? "/" : rest.slice(slash);
    const s = space(ns);
    const graph = GRAPH_PATH.exec(tail);
    const host = graph?.[1] ?? tail.split("/")[1] ?? "";
    const path = graph?.[3] ?? tail;
    s.calls.push({
      method: req.method,
      host,
      path,
      query: Object.fromEntries(req.url.searchParams),
      authorization: req.headers.authorization ?? null,
      body: parse(req.body),
    });
    const token = bearer(req);
    // A WhatsApp media download (lookaside.fbsbx.com): the token is required there too.
    if (path.startsWith("/lookaside/") || path.startsWith("/cdn/")) {
      const media = s.media.get(decodeURIComponent(path.split("/")[2] ?? ""));
      if (path.startsWith("/lookaside/") && !token) return { status: 401, body: "Unauthorized", headers: {} };
      if (!media) return { status: 404, body: "Not found", headers: {} };
      return { status: 200, body: media.bytes, headers: { "content-type": media.mimeType } };
    }
    if (!graph) return { status: 404, json: { error: { message: "Unknown path", code: 803 } } };
    const script = scripted(s, `${req.method} ${path}`, token);
    if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    if (script?.error) return graphError(script.status ?? 400, script.error, script.headers);
    if (script?.json !== undefined)
      return {
        status: script.status ?? 200,
        json: script.json,
        ...(script.headers ? { headers: script.headers } : {}),
      };
    if (!token)
      return graphError(400, {
        code: 2500,
        message: "An active access token must be used to query information.",
      });
    const segments = path.split("/").filter(Boolean);
    if (req.method === "POST" && segments.length === 2 && segments[1] === "messages") {
      const body = record(parse(req.body));
      return body.messaging_product === "whatsapp" ? whatsappSend(body) : messagingSend(body);
    }
    if (req.method === "GET" && segments.length === 1) {
      const target = decodeURIComponent(segments[0] ?? "");
      const media = s.media.get(target);
      if (media) {
        const url = `http://${req.headers.host}${PREFIX}${ns}/lookaside/${encodeURIComponent(target)}`;
        return {
          status: 200,
          json: {
            messaging_product: "whatsapp",
            url,
            mime_type: media.mimeType,
            file_size: media.bytes.length,
            id: target,
          },
        };
      }
      const fields = (req.url.searchParams.get("fields") ?? "id,name").split(",");
      const profile = (token ? s.profiles.get(token) : undefined) ?? s.profile;
      const answer: Record<string, unknown> = { id: target === "me" ? profile.id : target };
      for (const field of fields) if (field in profile && field !== "id") answer[field] = profile[field];
      return { status: 200, json: answer };
    }
    return invalid("Unsupported request in this fake.");
  };

  const body = (req: FakeRequest) => record(JSON.parse(req.body));
  return [
    { method: "GET", path: `${PREFIX}*`, handle },
    { method: "POST", path: `${PREFIX}*`, handle },
    {
      method: "POST",
      path: "/_test/meta/script",
      handle: (req) => {
        const { ns, route, reply, token } = body(req) as {
          ns: string;
          route: string;
          reply: MetaScript;
          token?: string;
        };
        space(ns).scripts.set(token ? `${token}|${route}` : route, { ...reply });
        return { status: 200, json: { scripted: route } };
      },
    },
    {
      method: "POST",
      path: "/_test/meta/profile",
      handle: (req) => {
        const { ns, profile, token } = body(req) as {
          ns: string;
          profile: Record<string, unknown>;
          token?: string;
        };
        if (token) space(ns).profiles.set(token, profile);
        else space(ns).profile = profile;
        return { status: 200, json: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/_test/meta/media",
      handle: (req) => {
        const { ns, id: mediaId, base64, mimeType } = body(req) as Record<string, string>;
        space(ns ?? "").media.set(mediaId ?? "", {
          bytes: Buffer.from(base64 ?? "", "base64"),
          mimeType: mimeType ?? "",
        });
        return { status: 200, json: { ok: true } };
      },
    },
    {
      method: "GET",
      path: "/_test/meta/calls",
      handle: (req) => {
        const calls = space(req.url.searchParams.get("ns") ?? "").calls;
        const token = req.url.searchParams.get("token");
        return {
          status: 200,
          json: token ? calls.filter((c) => c.authorization === `Bearer ${token}`) : calls,
        };
      },
    },
  ];
}
