import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant, type TestTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { setupPlanning } from "../../support/plans";
import {
  type Case,
  inputsFor,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  show,
} from "./fuzz-inputs";
import { toJson } from "./fuzz-values";

// Every operation of /openapi.json gets generated malformed input (wrong types, missing and extra
// fields, NUL and unpaired surrogates, huge strings, bad ids and queries, wrong content types, bad
// JSON) and must answer it with a 4xx, never a 5xx. Fixed seed and case count: the same requests on
// every run, so a failure reproduces.
const SEED = 20_261_201;
const RUNS = 10;

const openApi = (await (await call("/openapi.json")).json()) as OpenApiDocument;
const operations = operationsOf(openApi);

interface Fixtures {
  tenant: TestTenant;
  admins: string[];
  apiKeys: string[];
}
let fixtures: Fixtures;

let inputs: ReturnType<typeof inputsFor>;

// The limiter's message (a spent AI budget is a 429 too, and a fine answer).
const RATE_LIMITED = "Too many requests";

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

beforeAll(async () => {
  const tenant = await registerTenant();
  const planning = await setupPlanning(tenant);
  const admins = [tenant.accessToken];
  // 168 operations × (10 cases + 2 sweeps): enough principals that none reaches 100 requests a minute.
  for (let i = 0; i < 23; i++) admins.push((await addUser(tenant.tenant.id, "TENANT_ADMIN")).accessToken);
  const key = async () =>
    await callJson<{ id: string; key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "fuzz", role: "TENANT_ADMIN" } },
      201,
    );
  const apiKeys = [];
  for (let i = 0; i < 12; i++) apiKeys.push((await key()).key);
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
  fixtures = { tenant, admins, apiKeys };
  inputs = inputsFor({
    document: openApi,
    seed: SEED,
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
  });
}, 60_000);

async function fuzz(operation: Operation) {
  let rateLimited = 0;
  await fc.assert(
    fc.asyncProperty(inputs.caseOf(operation), async (input) => {
      const { status, text } = await send(operation, input);
      if (status === 429 && text.includes(RATE_LIMITED)) rateLimited++;
      if (status >= 500)
        throw new Error(
          `${operation.method} ${operation.path} → ${status}\ninput: ${show(input)}\nbody: ${text}`,
        );
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  );
  expect(rateLimited, "rate limited: the fuzz must reach the handlers").toBe(0);
}

async function sweep(operation: Operation) {
  const failures: string[] = [];
  for (const input of inputs.sweepOf(operation)) {
    const { status, text } = await send(operation, input);
    if (status >= 500) failures.push(`→ ${status}\ninput: ${show(input)}\nbody: ${text}`);
    expect(text, "rate limited: the sweep must reach the handlers").not.toContain(RATE_LIMITED);
  }
  expect(failures, failures.join("\n\n")).toEqual([]);
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
