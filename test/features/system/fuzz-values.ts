import fc from "fast-check";

// The malformed values the fuzz draws from (test/features/system/fuzz.test.ts).

export const NUL = "a\u0000b";
const deep = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
const HUGE = "A".repeat(70_000);
const NASTY_STRINGS = [
  "",
  " ",
  "a\u0000b",
  "\u0000",
  "\ud800",
  "x\udc00y",
  "\u{1F4A5}",
  "%00",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "null",
  "-1",
  "1e309",
  "00000000-0000-0000-0000-000000000000",
  HUGE,
];
// Stands for 100,000 nested arrays in a JSON body (too deep to build and stringify as a value here).
export const DEEP = { nestedArrays: 100_000 };
const DEEP_TEXT = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const DEEP_MARK = "\u0001deep\u0001";
/** A JSON body's text, with DEEP written out. */
export const toJson = (value: unknown) =>
  (JSON.stringify(value, (_, v: unknown) => (v === DEEP ? DEEP_MARK : v)) ?? "null")
    .split(JSON.stringify(DEEP_MARK))
    .join(DEEP_TEXT);

export const nastyValue = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.constantFrom<unknown>(null, 0, -1, 2.5, 1e308, -1e308, 2 ** 53 + 1, true, false, [], {}, [null], {
    "": null,
  }),
  fc.constantFrom<unknown>(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    deep(2_000, "a\u0000b"),
    DEEP,
    Array.from({ length: 5_000 }, () => "x"),
    { nested: { text: "a\u0000b" } },
  ),
);

// Query values and path segments are sent as written (already percent-encoded).
export const NASTY_QUERY = [
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%",
  "%zz",
  "",
  "-1",
  "0",
  "abc",
  "1e309",
  "99999999999999999999",
  "A".repeat(8_000),
  "true",
  "2026-13-45T99:99:99Z",
  "%FF%FE",
  "%F0%9F%92%A5",
  "null",
  "[]",
];
export const BAD_UUID = "5b1f0c34-8a4d-4a61-9e0f-2d1b7c3a9e51";
export const NASTY_PATH = [
  "not-a-uuid",
  "%00",
  "a%00b",
  `${BAD_UUID}%00`,
  "%ED%A0%80",
  "%",
  "%zz",
  "%2e%2e",
  BAD_UUID.toUpperCase(),
  "A".repeat(5_000),
  "%F0%9F%92%A5",
  "null",
  "-1",
  "%20",
  "%2F",
];
export const GARBAGE_AUTH = [
  "Bearer sb_0000000000000000000000000000000000000000",
  "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
  "Bearer not.a.jwt",
  "Basic YTpi",
  `Bearer ${"A".repeat(10_000)}`,
  "Bearer",
];
export const RAW_BODIES: { contentType: string | null; text: string }[] = [
  { contentType: "application/json", text: "{" },
  { contentType: "application/json", text: '{"a":' },
  { contentType: "application/json", text: "nul" },
  { contentType: "application/json", text: "" },
  { contentType: "application/json", text: '{"a":1}}' },
  { contentType: "application/json", text: '"\\u0000"' },
  { contentType: "application/json", text: `${"[".repeat(100_000)}${"]".repeat(100_000)}` },
  { contentType: "application/json", text: `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}` },
  { contentType: "application/json", text: JSON.stringify({ big: "A".repeat(2 * 1024 * 1024) }) },
  { contentType: "application/json; charset=utf-16", text: "{}" },
  { contentType: "APPLICATION/JSON", text: '{"name":"x"}' },
  { contentType: "application/merge-patch+json", text: "{}" },
  { contentType: "text/plain", text: '{"name":"x"}' },
  { contentType: null, text: '{"name":"x"}' },
  { contentType: "application/x-www-form-urlencoded", text: "name=x&a=%00" },
  { contentType: "multipart/form-data; boundary=x", text: "--x\r\ngarbage" },
  { contentType: "multipart/form-data", text: "no boundary" },
  { contentType: "application/octet-stream", text: "\u0000\u0001\u0002" },
];
