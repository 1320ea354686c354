import { outboundFetch } from "../../../providers/outbound";
import type { FetchedMedia } from "../channel-adapter";
import { graphFailure } from "./graph-errors";
import type { MetaDeps } from "./meta-config";

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Downloads a file Meta hosts, capped at `maxBytes` (an OutboundError "too_large" past it). The
 * token goes only where Meta requires it (WhatsApp media URLs); the outbound module drops it on a
 * redirect to another origin.
 */
export async function downloadMedia(
  deps: MetaDeps,
  url: string,
  maxBytes: number,
  token?: string,
): Promise<FetchedMedia> {
  const response = await outboundFetch(
    url,
    token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
    {
      allowPrivate: deps.allowPrivate,
      timeoutMs: deps.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
      maxBytes,
      service: "Meta's media server",
    },
  );
  if (!response.ok) {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw graphFailure(response.status, body, response.headers);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const mimeType = response.headers.get("content-type")?.split(";")[0]?.trim() || "application/octet-stream";
  return { bytes, mimeType };
}
