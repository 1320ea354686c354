import fc from "fast-check";
import {
  BAD_UUID,
  DEEP,
  GARBAGE_AUTH,
  NASTY_PATH,
  NASTY_QUERY,
  NUL,
  nastyValue,
  RAW_BODIES,
} from "./fuzz-values";

// Requests generated from an OpenAPI document for the fuzz (test/features/system/fuzz.test.ts).

export interface JsonSchema {
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

export interface Operation {
  method: string;
  path: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Omit<Operation, "method" | "path">>>;
  components: { schemas: Record<string, JsonSchema> };
}

export type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; contentType: string | null; text: string }
  | { kind: "form"; fields: [string, string | { file: string }][] };

export interface Case {
  params: Record<string, string>;
  query: [string, string][];
  auth: "admin" | "apiKey" | "none" | "garbage";
  garbage: string;
  body: Body;
}

/** Every operation of the document, with its method and path. */
export const operationsOf = (document: OpenApiDocument): Operation[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })),
  );

/** The case as JSON with long strings shortened, for a readable failure message. */
export const show = (input: Case) =>
  JSON.stringify(input, (_, value: unknown) =>
    typeof value === "string" && value.length > 120 ? `${value.slice(0, 40)}…(${value.length} chars)` : value,
  );

export interface InputContext {
  document: OpenApiDocument;
  seed: number;
  /** Ids of existing resources by resource path (or by parameter name for nested ids). */
  ids: Record<string, string>;
  /** A base URL that answers like an AI provider. */
  providerUrl: string;
}

/** Generators of an operation's inputs: malformed ones (caseOf) and a targeted sweep (sweepOf). */
export function inputsFor(context: InputContext) {
  /** A fixture id for a path parameter, when one exists (never for DELETE, which would spend it). */
  function knownId(operation: Operation, param: string): string | undefined {
    if (operation.method === "DELETE") return undefined;
    return context.ids[param === "id" ? (operation.path.split("/{id}")[0] ?? "") : param];
  }

  const resolve = (schema: JsonSchema): JsonSchema =>
    schema.$ref
      ? resolve(context.document.components.schemas[schema.$ref.split("/").at(-1) ?? ""] ?? {})
      : schema;

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
        return fc.oneof(fc.constantFrom(...Object.values(context.ids)), fc.uuid());
      case "email":
        return fc.emailAddress();
      case "uri":
        return fc.constantFrom(context.providerUrl, "https://example.invalid/api", "ftp://x");
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
          Object.fromEntries(
            inPath.map((p) => [p.name, fc.constant(knownId(operation, p.name) ?? BAD_UUID)]),
          ),
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
      { seed: context.seed, numRuns: 1 },
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

  return { caseOf, sweepOf };
}
