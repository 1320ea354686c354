import { OutboundError, outboundFetch } from "../../../providers/outbound";
import { isPrivateHost } from "../../../providers/private-address";
import type { FetchedMedia } from "../channel-adapter";
import { graphFailure } from "./graph-errors";
import type { MetaDeps } from "./meta-config";

const DOWNLOAD_TIMEOUT_MS = 30_000;
// Meta serves message media from its own CDNs. A webhook is signed with the tenant's own app secret,
// so its attachment URLs are the tenant's word: nothing else is fetched (loopback only in development).
const MEDIA_HOST =
  /(^|\.)(fbcdn\.net|fbsbx\.com|cdninstagram\.com|facebook\.com|instagram\.com|whatsapp\.net)$/;

/** Whether media may be fetched from `raw`: https on a Meta media host, or a private host when allowed. */
export function isMetaMediaUrl(raw: string, allowPrivate: boolean): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (allowPrivate && isPrivateHost(url.hostname)) return true;
  return url.protocol === "https:" && MEDIA_HOST.test(url.hostname);
}

/**
 * Downloads a file from Meta's media hosts, capped at `maxBytes` (an OutboundError "too_large" past it). The
 * token goes only where Meta requires it (WhatsApp media URLs); the outbound module drops it on a
 * redirect to another origin.
 */
export async function downloadMedia(
  deps: MetaDeps,
  url: string,
  maxBytes: number,
  token?: string,
): Promise<FetchedMedia> {
  if (!isMetaMediaUrl(url, deps.allowPrivate))
    throw new OutboundError("refused", "The media URL is not on one of Meta's media hosts");
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
