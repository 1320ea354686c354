import { AppError } from "./errors";

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata lives here)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
];

function ipv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".internal") ||
    host.endsWith(".local")
  )
    return true;
  const v4 = ipv4(host);
  if (v4 !== null) return PRIVATE_V4.some(([base, bits]) => v4 >>> (32 - bits) === base >>> (32 - bits));
  if (host.includes(":")) {
    // IPv6 literals: loopback, unspecified, unique-local, link-local and IPv4-mapped are refused.
    return (
      host === "::1" ||
      host === "::" ||
      /^f[cd]/.test(host) ||
      /^fe[89ab]/.test(host) ||
      host.startsWith("::ffff:")
    );
  }
  return false;
}

/**
 * Checks a tenant-supplied URL before the Worker calls it: http(s) only, no credentials in it, and
 * no loopback/private/link-local address unless `allowPrivate` (local development). Hostnames are
 * not resolved here (Workers have no DNS API); Cloudflare's egress does not reach private networks.
 */
export function assertOutboundUrl(raw: string, allowPrivate: boolean, what = "URL"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("validation_failed", `${what} is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new AppError("validation_failed", `${what} must be http(s)`);
  if (url.username || url.password)
    throw new AppError("validation_failed", `${what} must not contain credentials`);
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    throw new AppError("validation_failed", `${what} points to a private or loopback address`);
  }
  return url;
}
