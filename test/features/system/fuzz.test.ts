import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant, type TestTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { setupPlanning } from "../../support/plans";

// Every operation of /openapi.json gets generated malformed input (wrong types, missing and extra
// fields, NUL and unpaired surrogates, huge strings, bad ids and queries, wrong content types, bad
// JSON) and must answer it with a 4xx, never a 5xx. Fixed seed and case count: the same requests on
// every run, so a failure reproduces.
const SEED = 20_261_201;
const RUNS = 10;

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Operation {
  method: string;
  path: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Omit<Operation, "method" | "path">>>;
  components: { schemas: Record<string, JsonSchema> };
}

type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; contentType: string | null; text: string }
  | { kind: "form"; fields: [string, string | { file: string }][] };

interface Case {
  params: Record<string, string>;
  query: [string, string][];
  auth: "admin" | "apiKey" | "none" | "garbage";
  garbage: string;
  body: Body;
}

const openApi = (await (await call("/openapi.json")).json()) as OpenApiDocument;
const operations: Operation[] = Object.entries(openApi.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })),
);

const resolve = (schema: JsonSchema): JsonSchema =>
  schema.$ref ? resolve(openApi.components.schemas[schema.$ref.split("/").at(-1) ?? ""] ?? {}) : schema;

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
const DEEP = { nestedArrays: 100_000 };
const DEEP_TEXT = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const DEEP_MARK = "\u0001deep\u0001";
const toJson = (value: unknown) =>
  (JSON.stringify(value, (_, v: unknown) => (v === DEEP ? DEEP_MARK : v)) ?? "null")
    .split(JSON.stringify(DEEP_MARK))
    .join(DEEP_TEXT);

const nastyValue = fc.oneof(
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
const NASTY_QUERY = [
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
const BAD_UUID = "5b1f0c34-8a4d-4a61-9e0f-2d1b7c3a9e51";
const NASTY_PATH = [
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
const GARBAGE_AUTH = [
  "Bearer sb_0000000000000000000000000000000000000000",
  "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
  "Bearer not.a.jwt",
  "Basic YTpi",
  `Bearer ${"A".repeat(10_000)}`,
  "Bearer",
];
const RAW_BODIES: { contentType: string | null; text: string }[] = [
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

interface Fixtures {
  tenant: TestTenant;
  admins: string[];
  apiKeys: string[];
  /** Known ids by resource path (or by parameter name for nested ids). */
  ids: Record<string, string>;
  providerUrl: string;
}
let fixtures: Fixtures;

/** A fixture id for a path parameter, when one exists (never for DELETE, which would spend it). */
function knownId(operation: Operation, param: string): string | undefined {
  if (operation.method === "DELETE") return undefined;
  return fixtures.ids[param === "id" ? (operation.path.split("/{id}")[0] ?? "") : param];
}

/** Values that satisfy `schema`, each of whose parts is sometimes replaced by a malformed one. */
function fuzzed(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: valid(schema, depth, false) },
    { weight: 1, arbitrary: nastyValue },
  );
}

/** Values of `schema`; with `strict`, minimal (required fields only) and valid all the way down. */
function valid(input: JsonSchema, depth: number, strict: boolean): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  const child = (s: JsonSchema) => (strict ? valid(s, depth + 1, true) : fuzzed(s, depth + 1));
  if (depth > 5) return fc.constant(null);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valid(s, depth, strict)));
  if (schema.allOf) {
    const parts = schema.allOf.map(resolve);
    const merged = {
      ...Object.assign({}, ...parts),
      properties: Object.assign({}, ...parts.map((p) => p.properties)),
      required: parts.flatMap((p) => p.required ?? []),
    };
    return valid(merged, depth, strict);
  }
  if (Array.isArray(schema.type))
    return fc.oneof(...schema.type.map((type) => valid({ ...schema, type }, depth, strict)));
  const type = schema.type ?? (schema.properties ? "object" : undefined);
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 100_000 });
    case "number":
      return fc.double({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000, noNaN: true });
    case "string":
      return stringOf(schema);
    case "array":
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map(child));
      return fc.array(child(schema.items ?? {}), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case "object":
      return objectOf(schema, child, strict);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  switch (schema.format) {
    case "uuid":
      return fc.oneof(fc.constantFrom(...Object.values(fixtures.ids)), fc.uuid());
    case "email":
      return fc.emailAddress();
    case "uri":
      return fc.constantFrom(fixtures.providerUrl, "https://example.invalid/api", "ftp://x");
    case "date-time":
      return fc
        .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((date) => date.toISOString());
    case "binary":
      return fc.constant({ file: "hello" });
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // fast-check cannot generate from every regex (lookarounds): any string will do, it is refused.
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 24, 24)) });
}

function objectOf(
  schema: JsonSchema,
  child: (s: JsonSchema) => fc.Arbitrary<unknown>,
  strict: boolean,
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const entries = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, child(property)]),
  );
  const requiredKeys = (schema.required ?? []).filter((key) => key in properties);
  if (strict)
    return fc.record(Object.fromEntries(requiredKeys.map((key) => [key, child(properties[key] ?? {})])));
  const base =
    schema.properties || !schema.additionalProperties
      ? fc.oneof(
          { weight: 4, arbitrary: fc.record(entries, { requiredKeys }) },
          { weight: 1, arbitrary: fc.record(entries, { requiredKeys: [] }) },
        )
      : fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyValue), {
          maxKeys: 4,
        });
  const extra = fc.option(
    fc.tuple(fc.constantFrom("extra", "__proto__", "constructor", "a\u0000b"), nastyValue),
    {
      freq: 4,
    },
  );
  return fc
    .tuple(base, extra)
    .map(([value, more]) => (more ? { ...(value as Record<string, unknown>), [more[0]]: more[1] } : value));
}

const asQueryValue = (value: unknown) =>
  encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value));

function queryOf(operation: Operation): fc.Arbitrary<[string, string][]> {
  const declared = (operation.parameters ?? []).filter((p) => p.in === "query");
  const pairs = declared.map((p) =>
    fc.option(
      fc.oneof(
        valid(p.schema, 0, false).map((value): [string, string] => [p.name, asQueryValue(value)]),
        fc.constantFrom(...NASTY_QUERY).map((value): [string, string] => [p.name, value]),
      ),
      { freq: 2 },
    ),
  );
  const extras = fc.array(
    fc.constantFrom<[string, string]>(
      ["extra", "1"],
      ["a%00b", "1"],
      ...declared.map((p): [string, string] => [p.name, "duplicate"]),
    ),
    { maxLength: 2 },
  );
  return fc
    .tuple(fc.tuple(...pairs), extras)
    .map(([chosen, more]) => [...chosen.filter((pair) => pair !== null), ...more]);
}

function paramsOf(operation: Operation): fc.Arbitrary<Record<string, string>> {
  const declared = (operation.parameters ?? []).filter((p) => p.in === "path");
  return fc.record(
    Object.fromEntries(
      declared.map((p) => {
        const known = knownId(operation, p.name);
        return [
          p.name,
          fc.oneof(
            { weight: known ? 3 : 0, arbitrary: fc.constant(known ?? BAD_UUID) },
            { weight: 2, arbitrary: fc.uuid() },
            { weight: 2, arbitrary: fc.constantFrom(...NASTY_PATH) },
          ),
        ];
      }),
    ),
  );
}

function bodyOf(operation: Operation): fc.Arbitrary<Body> {
  // fetch refuses a body on GET before it reaches the app.
  if (operation.method === "GET") return fc.constant<Body>({ kind: "none" });
  const content = operation.requestBody?.content ?? {};
  const raw = fc.constantFrom(...RAW_BODIES).map((body): Body => ({ kind: "raw", ...body }));
  const json = (schema: JsonSchema) => fuzzed(schema).map((value): Body => ({ kind: "json", value }));
  const jsonSchema = content["application/json"]?.schema;
  const formSchema = content["multipart/form-data"]?.schema;
  if (formSchema) {
    const form = fuzzed(formSchema).map((value): Body => {
      const fields = value !== null && typeof value === "object" ? Object.entries(value) : [];
      return {
        kind: "form",
        fields: fields.map(([key, v]): [string, string | { file: string }] => [
          key,
          v !== null && typeof v === "object" && "file" in v ? { file: String(v.file) } : String(v),
        ]),
      };
    });
    return fc.oneof({ weight: 4, arbitrary: form }, { weight: 1, arbitrary: raw }, json({}));
  }
  if (jsonSchema) {
    return fc.oneof(
      { weight: 6, arbitrary: json(jsonSchema) },
      { weight: 1, arbitrary: fc.constant<Body>({ kind: "json", value: {} }) },
      { weight: 1, arbitrary: nastyValue.map((value): Body => ({ kind: "json", value })) },
      { weight: 1, arbitrary: fc.constant<Body>({ kind: "none" }) },
      { weight: 2, arbitrary: raw },
    );
  }
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant<Body>({ kind: "none" }) },
    { weight: 1, arbitrary: raw },
  );
}

function caseOf(operation: Operation): fc.Arbitrary<Case> {
  const auth = operation.security
    ? fc.constantFrom<Case["auth"]>("admin", "admin", "admin", "apiKey", "apiKey", "none", "garbage")
    : fc.constant<Case["auth"]>("none");
  return fc
    .record({
      params: paramsOf(operation),
      query: queryOf(operation),
      auth,
      garbage: fc.constantFrom(...GARBAGE_AUTH),
      body: bodyOf(operation),
    })
    .map((input) => Object.assign(input, { [fc.toStringMethod]: () => show(input) }));
}

const NUL = "a\u0000b";
// The limiter's message (a spent AI budget is a 429 too, and a fine answer).
const RATE_LIMITED = "Too many requests";
const typesOf = (schema: JsonSchema) => [resolve(schema).type ?? []].flat();

/**
 * A minimal valid input of the operation (required fields and parameters only), then that input
 * with each parameter and top-level string field holding a NUL, each top-level object field
 * 100,000 levels deep, and with an empty JSON body: the cases random runs may miss.
 */
function sweepOf(operation: Operation): Case[] {
  const declared = operation.parameters ?? [];
  const inPath = declared.filter((p) => p.in === "path");
  const inQuery = declared.filter((p) => p.in === "query");
  const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
  const [sample] = fc.sample(
    fc.record({
      params: fc.record(
        Object.fromEntries(inPath.map((p) => [p.name, fc.constant(knownId(operation, p.name) ?? BAD_UUID)])),
      ),
      query: fc.tuple(
        ...inQuery
          .filter((p) => p.required)
          .map((p) => valid(p.schema, 0, true).map((v): [string, string] => [p.name, asQueryValue(v)])),
      ),
      body: jsonSchema
        ? valid(jsonSchema, 0, true).map((value): Body => ({ kind: "json", value }))
        : fc.constant<Body>({ kind: "none" }),
    }),
    { seed: SEED, numRuns: 1 },
  );
  if (!sample) return [];
  const base: Case = { ...sample, auth: operation.security ? "admin" : "none", garbage: "" };
  const cases = [
    ...inPath.map((p) => ({ ...base, params: { ...base.params, [p.name]: "a%00b" } })),
    ...inQuery.map((p) => ({
      ...base,
      query: [...base.query.filter(([k]) => k !== p.name), [p.name, "a%00b"]],
    })),
  ] as Case[];
  if (jsonSchema && base.body.kind === "json") {
    const value = base.body.value as Record<string, unknown>;
    cases.push({ ...base, body: { kind: "json", value: {} } });
    for (const [key, property] of Object.entries(resolve(jsonSchema).properties ?? {}))
      for (const [type, bad] of [
        ["string", NUL],
        ["object", DEEP],
      ] as const)
        if (typesOf(property).includes(type))
          cases.push({ ...base, body: { kind: "json", value: { ...value, [key]: bad } } });
  }
  return cases;
}

// Round-robin over several principals and client addresses: each stays under the per-minute limits,
// so the fuzz reaches validation and handlers rather than the rate limiter.
let sent = 0;
async function send(operation: Operation, input: Case) {
  sent++;
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => input.params[name] ?? "");
  const query = input.query.map(([key, value]) => `${key}=${value}`).join("&");
  const headers: Record<string, string> = {};
  const token =
    input.auth === "admin"
      ? fixtures.admins[sent % fixtures.admins.length]
      : input.auth === "apiKey"
        ? fixtures.apiKeys[sent % fixtures.apiKeys.length]
        : undefined;
  if (input.auth === "garbage") headers.Authorization = input.garbage;
  let body: BodyInit | undefined;
  if (input.body.kind === "json") {
    headers["Content-Type"] = "application/json";
    body = toJson(input.body.value);
  } else if (input.body.kind === "raw") {
    if (input.body.contentType) headers["Content-Type"] = input.body.contentType;
    body = input.body.text;
  } else if (input.body.kind === "form") {
    const form = new FormData();
    for (const [key, value] of input.body.fields)
      form.append(key, typeof value === "string" ? value : new File([value.file], "notes.txt"));
    body = form;
  }
  const response = await call(query ? `${path}?${query}` : path, {
    method: operation.method,
    token,
    headers,
    body,
    ip: `10.77.${(sent >> 8) & 255}.${sent & 255}`,
  });
  return { status: response.status, text: await response.text() };
}

/** The case as JSON with long strings shortened, for a readable failure message. */
const show = (input: Case) =>
  JSON.stringify(input, (_, value: unknown) =>
    typeof value === "string" && value.length > 120 ? `${value.slice(0, 40)}…(${value.length} chars)` : value,
  );

beforeAll(async () => {
  const tenant = await registerTenant();
  const planning = await setupPlanning(tenant);
  const admins = [tenant.accessToken];
  for (let i = 0; i < 9; i++) admins.push((await addUser(tenant.tenant.id, "TENANT_ADMIN")).accessToken);
  const key = async () =>
    await callJson<{ id: string; key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "fuzz", role: "TENANT_ADMIN" } },
      201,
    );
  const apiKeys = [];
  for (let i = 0; i < 6; i++) apiKeys.push((await key()).key);
  const conversation = await createConversation(tenant, { visitorId: "fuzz-visitor" });
  const message = await callJson<{ id: string }>(
    `/api/conversations/${conversation.id}/messages`,
    { token: tenant.accessToken, json: { text: "hello" } },
    201,
  );
  const widgetKey = await callJson<{ id: string }>(
    "/api/widget-keys",
    {
      token: tenant.accessToken,
      json: { name: "site", allowedOrigins: ["https://shop.example.test"], agentId: planning.agent.id },
    },
    201,
  );
  const collection = await callJson<{ id: string }>(
    "/api/knowledge/collections",
    { token: tenant.accessToken, json: { name: "fuzz" } },
    201,
  );
  const victim = await addUser(tenant.tenant.id, "TENANT_USER");
  fixtures = {
    tenant,
    admins,
    apiKeys,
    providerUrl: `${env.FAKE_SERVICES_URL}/openai/v1`,
    ids: {
      "/api/tenants": tenant.tenant.id,
      userId: victim.user.id,
      "/api/api-keys": (await key()).id,
      "/api/conversations": conversation.id,
      messageId: message.id,
      "/api/messages": message.id,
      "/api/widget-keys": widgetKey.id,
      "/api/agents": planning.agent.id,
      actionId: planning.action.id,
      "/api/knowledge/collections": collection.id,
    },
  };
}, 60_000);

async function fuzz(operation: Operation) {
  let rateLimited = 0;
  await fc.assert(
    fc.asyncProperty(caseOf(operation), async (input) => {
      const { status, text } = await send(operation, input);
      if (status === 429 && text.includes(RATE_LIMITED)) rateLimited++;
      if (status >= 500)
        throw new Error(
          `${operation.method} ${operation.path} → ${status}\ninput: ${show(input)}\nbody: ${text}`,
        );
    }),
    { seed: SEED, numRuns: RUNS },
  );
  expect(rateLimited, "rate limited: the fuzz must reach the handlers").toBe(0);
}

async function sweep(operation: Operation) {
  const failures: string[] = [];
  for (const input of sweepOf(operation)) {
    const { status, text } = await send(operation, input);
    if (status >= 500) failures.push(`→ ${status}\ninput: ${show(input)}\nbody: ${text}`);
    expect(text, "rate limited: the sweep must reach the handlers").not.toContain(RATE_LIMITED);
  }
  expect(failures).toEqual([]);
}

// Operations that configure or call the AI share the tenant's AI settings: they run one after the
// other, so every run sends the same requests in the same state. The others run concurrently.
const usesAi = (operation: Operation) =>
  /^\/(v1|chat|api\/ai)\//.test(operation.path) ||
  (operation.path.startsWith("/api/agents") && !operation.path.includes("/actions"));
const groups = [
  {
    name: "operations that leave the AI alone, concurrently",
    concurrent: true,
    of: operations.filter((o) => !usesAi(o)),
  },
  {
    name: "operations that configure or call the AI, in order",
    concurrent: false,
    of: operations.filter(usesAi),
  },
];

describe(`fuzz over /openapi.json: ${operations.length} operations × ${RUNS} cases, seed ${SEED}`, () => {
  for (const group of groups) {
    describe(group.name, { concurrent: group.concurrent }, () => {
      it.each(group.of)("$method $path answers malformed input without a 5xx", { timeout: 60_000 }, fuzz);
      it.each(group.of)(
        "$method $path answers NUL in each parameter and field, deep JSON and an empty body without a 5xx",
        sweep,
      );
    });
  }
});
