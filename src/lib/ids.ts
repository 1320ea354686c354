const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

// Random bytes drawn from the CSPRNG a few ids at a time (one call per id showed in the room's profile).
const random = new Uint8Array(16 * 64);
let used = random.length;

/** UUIDv7: time-ordered (good index locality) and random enough not to leak counts. */
export function uuidv7(now = Date.now()): string {
  if (used === random.length) {
    crypto.getRandomValues(random);
    used = 0;
  }
  const bytes = random.subarray(used, used + 16);
  used += 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  view.setUint32(0, Math.floor(now / 2 ** 16));
  view.setUint16(4, now % 2 ** 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let hex = "";
  for (const byte of bytes) hex += HEX[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the value is a UUID (so it can be compared with a uuid column without a cast error). */
export const isUuid = (value: string) => uuidPattern.test(value);
