import { OutboundError, outboundFetch } from "../../../providers/outbound";
import { graphFailure } from "./graph-errors";
import { GRAPH_VERSION, type MetaDeps } from "./meta-config";

const DEFAULT_TIMEOUT_MS = 10_000;
// Graph answers to sends, "who am I" and media lookups are small JSON objects.
const MAX_JSON_BYTES = 64 * 1024;

export interface GraphCall {
  apiBase: string;
  /** Below the version: `/{phone-number-id}/messages`. */
  path: string;
  token: string;
  method?: "GET" | "POST";
  query?: Record<string, string>;
  body?: unknown;
}

/** The URL of a Graph call: `{apiBase}/{GRAPH_VERSION}{path}?{query}`. */
export function graphUrl(apiBase: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(`${apiBase.replace(/\/+$/, "")}/${GRAPH_VERSION}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * One Graph API call through the outbound module: the token as a Bearer header (never in the URL,
 * which gets logged), the JSON answer on 2xx, a typed GraphError otherwise. An unreachable or slow
 * Graph is an OutboundError (the request may or may not have arrived).
 */
export async function graphCall(deps: MetaDeps, call: GraphCall): Promise<unknown> {
  const headers: Record<string, string> = { Authorization: `Bearer ${call.token}` };
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await outboundFetch(
    graphUrl(call.apiBase, call.path, call.query),
    {
      method: call.method ?? (call.body === undefined ? "GET" : "POST"),
      headers,
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    },
    {
      allowPrivate: deps.allowPrivate,
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: MAX_JSON_BYTES,
      maxRedirects: 0,
      service: "The Meta Graph API",
    },
  );
  const body = await readJson(response);
  if (!response.ok) throw graphFailure(response.status, body, response.headers);
  if (body === undefined) throw new OutboundError("refused", "The Meta Graph API answered without JSON");
  return body;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
