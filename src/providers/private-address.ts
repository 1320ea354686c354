// Which hosts an outbound call may not reach when ALLOW_PRIVATE_OUTBOUND is off. Input is a URL's
// `hostname` as `new URL()` leaves it: IPv4 in dotted decimal (it rewrites 2130706433 and 0x7f.1),
// IPv6 in brackets, compressed and in hex (`[::127.0.0.1]` becomes `[::7f00:1]`). Names are not
// resolved, so a public name that points at a private address is not caught here (see docs/outbound.md).

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata lives here)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, with 255.255.255.255 broadcast
];

// Suffixes that only ever name hosts of a private network (RFC 6761, 6762, 8375; ICANN's .internal).
const PRIVATE_SUFFIX = /\.(localhost|localdomain|internal|local|home\.arpa)$/;

function ipv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const privateV4 = (v4: number) =>
  PRIVATE_V4.some(([base, bits]) => v4 >>> (32 - bits) === base >>> (32 - bits));

/** The eight 16-bit groups of an IPv6 literal, or null when it is not one. */
function ipv6(host: string): number[] | null {
  let text = host;
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const v4 = ipv4(dotted);
    if (v4 === null) return null;
    text = `${text.slice(0, -dotted.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) =>
    part ? part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN)) : [];
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if ([...head, ...tail].some(Number.isNaN) || (halves.length === 2 ? missing < 1 : missing !== 0))
    return null;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

/** The IPv4 address an IPv6 one stands for (mapped, compatible, translated, NAT64, 6to4), if any. */
function embeddedV4(g: number[]): number | null {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const low = (g[6] ?? 0) * 0x10000 + (g[7] ?? 0);
  if (zero(0, 5) && (g[5] === 0 || g[5] === 0xffff)) return low; // ::a.b.c.d and ::ffff:a.b.c.d (also :: and ::1)
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return low; // ::ffff:0:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return low; // NAT64 64:ff9b::/96
  if (g[0] === 0x2002) return (g[1] ?? 0) * 0x10000 + (g[2] ?? 0); // 6to4 2002::/16
  return null;
}

function privateV6(g: number[]): boolean {
  const v4 = embeddedV4(g);
  if (v4 !== null) return privateV4(v4);
  const [a = 0, b = 0, c = 0] = g;
  return (
    a === 0 || // the rest of ::/16 is reserved
    (a & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (a & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (a & 0xffc0) === 0xfec0 || // site-local fec0::/10
    (a & 0xff00) === 0xff00 || // multicast ff00::/8
    (a === 0x2001 && b === 0) || // Teredo 2001::/32 tunnels to an obfuscated IPv4 address
    (a === 0x64 && b === 0xff9b && c === 1) // local-use NAT64 64:ff9b:1::/48
  );
}

/** Whether a URL's hostname names a loopback, private, link-local, multicast or otherwise internal host. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host.includes(":")) return privateV6(ipv6(host) ?? [0]);
  const v4 = ipv4(host);
  if (v4 !== null) return privateV4(v4);
  // `localhost.` is `localhost`; a name without a dot is localhost or an intranet name.
  const name = host.replace(/\.+$/, "");
  return !name.includes(".") || PRIVATE_SUFFIX.test(name);
}
