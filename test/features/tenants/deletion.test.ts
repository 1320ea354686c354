import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import type { TenantDeletionJob } from "../../../src/features/tenants/tenant-deletion.jobs";
import worker from "../../../src/index";
import { s3Storage } from "../../../src/providers/storage";
import { createAgent } from "../../support/ai";
import { addUser, call, callJson, randomIp, registerTenant, type TestTenant } from "../../support/api";
import { createConversation, joinAsStaff, room } from "../../support/conversations";
import { mustOpen } from "../../support/ws";
import { upload, waitUntilSettled } from "../documents/helpers";
import { s3Objects } from "../documents/s3-world";

const config = loadConfig(env);
const QUEUE = "switchboard-tenant-deletions";
const prefixOf = (tenantId: string) => `${config.STORAGE_PREFIX}${tenantId}/`;

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

interface Deletion {
  id: string;
  status: string;
  step: string;
  counts: Record<string, number>;
  lastError: string | null;
  finishedAt: string | null;
}

const inbox = (tenantId: string) => env.TENANT_INBOX.get(env.TENANT_INBOX.idFromName(tenantId));

/** Rows in every table that has a tenant_id column, for this tenant (the deletion record aside). */
async function tenantRows(tenantId: string): Promise<Record<string, number>> {
  const { db, close } = openDatabase(config);
  try {
    const tables = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = 'public' and table_name <> 'tenant_deletions'`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name: table } of tables.rows) {
      const result = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId}`,
      );
      counts[table] = Number(result.rows[0]?.n);
    }
    const tenant = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from tenants where id = ${tenantId}`,
    );
    counts.tenants = Number(tenant.rows[0]?.n);
    return counts;
  } finally {
    await close();
  }
}

/** Rows in an object's SQLite tables (its own tables, not the runtime's), and its alarm. */
function storageOf(stub: DurableObjectStub) {
  return runInDurableObject(stub, async (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      )
      .toArray();
    const rows = tables.reduce(
      (sum, { name }) => sum + Number(state.storage.sql.exec(`SELECT count(*) AS n FROM "${name}"`).one().n),
      0,
    );
    return { rows, alarm: await state.storage.getAlarm() };
  });
}

const deleteTenant = (tenant: { tenant: { id: string } }, token: string, json?: unknown) =>
  call(`/api/tenants/${tenant.tenant.id}`, { method: "DELETE", token, json });

async function slugOf(tenant: TestTenant): Promise<string> {
  const body = await callJson<{ slug: string }>(
    `/api/tenants/${tenant.tenant.id}`,
    { token: tenant.accessToken },
    200,
  );
  return body.slug;
}

async function waitForDeletion(tenantId: string, token: string, timeoutMs = 30_000): Promise<Deletion> {
  const deadline = Date.now() + timeoutMs;
  let last: Deletion | undefined;
  while (Date.now() < deadline) {
    last = await callJson<Deletion>(`/api/tenants/${tenantId}/deletion`, { token }, 200);
    if (last.status !== "running") return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deletion of ${tenantId} did not finish in ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** A tenant that owns one of everything deletion must remove. */
async function populatedTenant() {
  const tenant = await registerTenant();
  const member = await addUser(tenant.tenant.id, "TENANT_USER");
  const apiKey = await callJson<{ key: string }>(
    "/api/api-keys",
    { token: tenant.accessToken, json: { name: "ci", role: "TENANT_ADMIN" } },
    201,
  );
  const agent = await createAgent(tenant, { name: "Helper" });
  const widgetKey = await callJson<{ publicKey: string }>(
    "/api/widget-keys",
    { token: tenant.accessToken, json: { name: "site", allowedOrigins: ["*"] } },
    201,
  );
  const conversation = await createConversation(tenant, { visitorId: "v-1" });
  for (const text of ["first", "second"]) {
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text } },
      201,
    );
  }
  await runDurableObjectAlarm(room(conversation.id)); // the messages reach Postgres
  const document = await upload(tenant.accessToken, new TextEncoder().encode("Opening hours 9-5."), "a.txt");
  await waitUntilSettled(tenant.accessToken, document.id);
  // Anything else under the tenant's prefix goes too, not only documents' originals.
  await env.DOCUMENTS_BUCKET.put(`${prefixOf(tenant.tenant.id)}exports/x.json`, "{}");
  return { tenant, member, apiKey, agent, widgetKey, conversation, document };
}

/**
 * The Worker with its deletion queue held here: the test delivers each message itself, through the
 * real queue handler, one slice at a time.
 */
function heldQueueWorker(overrides: Partial<typeof env> = {}) {
  const sent: TenantDeletionJob[] = [];
  const queue: Queue<TenantDeletionJob> = {
    metrics: async () => ({ backlogCount: sent.length, backlogBytes: 0 }),
    send: async (job) => {
      sent.push(job);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
    sendBatch: async (messages) => {
      for (const message of messages) sent.push(message.body);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
  };
  const workerEnv: typeof env = { ...env, TENANT_DELETION_QUEUE: queue, ...overrides };
  const deliver = async (job: unknown, queueName = QUEUE) => {
    const batch = createMessageBatch(queueName, [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: job },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, workerEnv);
    return getQueueResult(batch, ctx);
  };
  return {
    sent,
    deliver,
    async fetch(path: string, init: { method?: string; token: string; json?: unknown }) {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`http://switchboard.test${path}`, {
          method: init.method ?? "GET",
          headers: { Authorization: `Bearer ${init.token}`, "Content-Type": "application/json" },
          ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        }),
        workerEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return response;
    },
    /** Delivers the oldest held message. */
    async next() {
      const job = sent.shift();
      if (!job) throw new Error("no message held");
      return { job, result: await deliver(job) };
    },
  };
}

describe("tenant deletion", () => {
  it("refuses API keys, other roles and a missing or wrong confirmation, deleting nothing", async () => {
    const { tenant, member, apiKey } = await populatedTenant();
    const slug = await slugOf(tenant);
    const before = await tenantRows(tenant.tenant.id);

    const byKey = await deleteTenant(tenant, apiKey.key, { confirm: slug });
    expect(byKey.status).toBe(403);
    expect(((await byKey.json()) as ErrorBody).error.message).toMatch(/API keys cannot delete a tenant/);
    // Whatever the body: the key is refused before it is read.
    expect((await deleteTenant(tenant, apiKey.key)).status).toBe(403);
    expect((await deleteTenant(tenant, member.accessToken, { confirm: slug })).status).toBe(403);

    for (const body of [
      undefined,
      {},
      { confirm: "" },
      { confirm: tenant.tenant.name },
      { confirm: `${slug} ` },
    ]) {
      const response = await deleteTenant(tenant, tenant.accessToken, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = (await response.json()) as ErrorBody;
      if (body !== undefined) expect(error.details).toEqual([expect.objectContaining({ path: "confirm" })]);
    }

    // A platform admin cannot delete the tenant that holds platform admins (their own, typically).
    const home = await registerTenant();
    const platform = await addUser(home.tenant.id, "PLATFORM_ADMIN");
    const own = await deleteTenant(home, platform.accessToken, { confirm: await slugOf(home) });
    expect(own.status).toBe(409);

    expect(await tenantRows(tenant.tenant.id)).toEqual(before);
    expect(
      (await callJson<{ status: string }>(`/api/tenants/${tenant.tenant.id}`, { token: apiKey.key }, 200))
        .status,
    ).toBe("active");
    expect(
      (await call(`/api/tenants/${tenant.tenant.id}/deletion`, { token: tenant.accessToken })).status,
    ).toBe(404);
  });

  it("removes every row, room, inbox and stored file of the tenant, and nothing of others", {
    timeout: 60_000,
  }, async () => {
    const { tenant, apiKey, widgetKey, conversation, document } = await populatedTenant();
    const other = await populatedTenant();
    const platform = await addUser((await registerTenant()).tenant.id, "PLATFORM_ADMIN");
    const T = tenant.tenant.id;
    const staff = await joinAsStaff(tenant, conversation.id);
    const { url } = await callJson<{ url: string }>(
      "/api/inbox/ticket",
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const inboxSocket = await mustOpen(url);
    await inbox(T).publish({
      type: "outbox",
      conversationId: conversation.id,
      pending: 1,
      oldestAt: Date.now(),
      dead: 0,
    });
    expect((await storageOf(room(conversation.id))).rows).toBeGreaterThan(0);
    // The outbox report, the staff socket the room registered with the inbox, and the room that keeps
    // the tenant's webhook subscriptions (its messages asked once; it is told of endpoint changes).
    expect((await storageOf(inbox(T))).rows).toBe(3);
    expect((await env.DOCUMENTS_BUCKET.list({ prefix: prefixOf(T) })).objects).toHaveLength(2);
    const otherBefore = await tenantRows(other.tenant.tenant.id);

    const started = await callJson<Deletion>(
      `/api/tenants/${T}`,
      { method: "DELETE", token: tenant.accessToken, json: { confirm: await slugOf(tenant) } },
      202,
    );
    expect(started).toMatchObject({ status: "running", step: "conversations", finishedAt: null });

    // Cut off at once: its users, API keys, widget keys.
    expect((await call("/api/auth/profile", { token: tenant.accessToken })).status).toBe(401);
    expect((await call("/api/auth/profile", { token: apiKey.key })).status).toBe(401);
    const login = await call("/api/auth/login", {
      json: { email: tenant.email, password: tenant.password },
      ip: randomIp(),
    });
    expect(login.status).toBe(401);
    const refresh = await call("/api/auth/refresh", {
      json: { refreshToken: tenant.refreshToken },
      ip: randomIp(),
    });
    expect(refresh.status).toBe(401);
    const widget = await call("/api/widget/sessions", {
      json: { widgetKey: widgetKey.publicKey },
      headers: { Origin: "https://site.example" },
    });
    expect(widget.status).toBe(401);

    const done = await waitForDeletion(T, platform.accessToken);
    expect(done).toMatchObject({ status: "done", step: "done", lastError: null });
    expect(done.finishedAt).not.toBeNull();
    expect(done.counts).toMatchObject({ conversations: 1, objects: 2, inbox: 1, tenant: 1 });
    expect(done.counts.rows).toBeGreaterThan(5);

    const left = await tenantRows(T);
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([]);
    expect(Object.keys(left)).toEqual(
      expect.arrayContaining([
        "users",
        "api_keys",
        "messages",
        "documents",
        "document_chunks",
        "agents",
        "widget_keys",
      ]),
    );
    expect(await runInDurableObject(room(conversation.id), (instance) => instance.info())).toBeNull();
    expect(await storageOf(room(conversation.id))).toEqual({ rows: 0, alarm: null });
    expect(await storageOf(inbox(T))).toEqual({ rows: 0, alarm: null });
    expect((await env.DOCUMENTS_BUCKET.list({ prefix: prefixOf(T) })).objects).toEqual([]);
    expect((await staff.closed).code).toBe(4404);
    expect((await inboxSocket.closed).code).toBe(4404);
    expect((await call(`/api/documents/${document.id}`, { token: platform.accessToken })).status).toBe(404);

    // The other tenant is untouched.
    expect(await tenantRows(other.tenant.tenant.id)).toEqual(otherBefore);
    expect(
      (await env.DOCUMENTS_BUCKET.list({ prefix: prefixOf(other.tenant.tenant.id) })).objects,
    ).toHaveLength(2);
    expect((await storageOf(room(other.conversation.id))).rows).toBeGreaterThan(0);
    await callJson(`/api/conversations/${other.conversation.id}`, { token: other.tenant.accessToken }, 200);
    // The deleted tenant is gone; its deletion record stays for platform admins.
    expect((await call(`/api/tenants/${T}`, { token: platform.accessToken })).status).toBe(404);
    expect((await deleteTenant(tenant, platform.accessToken, { confirm: "x" })).status).toBe(404);
  });

  it("works in slices that a duplicate or a crashed delivery neither repeats nor breaks (S3 storage)", {
    timeout: 60_000,
  }, async () => {
    const app = heldQueueWorker({ STORAGE_PROVIDER: "s3", TENANT_DELETION_SLICE: "1" });
    const tenant = await registerTenant();
    const platform = await addUser((await registerTenant()).tenant.id, "PLATFORM_ADMIN");
    const T = tenant.tenant.id;
    const first = await createConversation(tenant);
    const second = await createConversation(tenant);
    const s3 = s3Storage(config);
    // More objects than one slice lists (20 at this slice size): the objects step takes two pages.
    for (let n = 0; n < 25; n++)
      await s3.put(`${prefixOf(T)}documents/d${n}/original`, new Uint8Array([n]), "text/plain");
    expect(await s3Objects(prefixOf(T))).toHaveLength(25);
    const slug = await slugOf(tenant);

    const response = await app.fetch(`/api/tenants/${T}`, {
      method: "DELETE",
      token: tenant.accessToken,
      json: { confirm: slug },
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as Deletion;
    expect(app.sent).toEqual([{ jobId: job.id, tenantId: T, slice: 0 }]);

    // Slice 1: one conversation (the slice size), then a message for the next slice.
    const { job: sliceZero, result } = await app.next();
    expect(result.explicitAcks).toHaveLength(1);
    expect(app.sent).toEqual([{ jobId: job.id, tenantId: T, slice: 1 }]);
    const progress = () =>
      callJson<Deletion>(`/api/tenants/${T}/deletion`, { token: platform.accessToken }, 200);
    expect(await progress()).toMatchObject({ step: "conversations", counts: { conversations: 1 } });
    const emptied = await Promise.all(
      [first, second].map(async (c) => (await storageOf(room(c.id))).rows === 0),
    );
    expect(emptied.filter(Boolean)).toHaveLength(1);

    // The same message again (redelivered after a crash before its ack): nothing is redone or sent.
    const duplicate = await app.deliver(sliceZero);
    expect(duplicate.explicitAcks).toHaveLength(1);
    expect(app.sent).toHaveLength(1);
    expect((await progress()).counts).toEqual({ conversations: 1 });

    // As if the next slice had destroyed the other room and crashed before deleting its row.
    const left = emptied[0] ? second : first;
    await room(left.id).destroy();
    expect((await tenantRows(T)).conversations).toBe(1);

    // Repeating the request while it runs changes nothing and sends nothing.
    const again = await app.fetch(`/api/tenants/${T}`, {
      method: "DELETE",
      token: platform.accessToken,
      json: { confirm: slug },
    });
    expect(again.status).toBe(202);
    expect(app.sent).toHaveLength(1);
    // A deleting tenant cannot be reactivated half-way.
    const reactivate = await call(`/api/tenants/${T}`, {
      method: "PUT",
      token: platform.accessToken,
      json: { status: "active" },
    });
    expect(reactivate.status).toBe(409);

    // The step each following slice left for the next one.
    const steps: string[] = [];
    while (app.sent.length > 0) {
      const { result: each } = await app.next();
      expect(each.explicitAcks).toHaveLength(1);
      expect(each.retryMessages).toEqual([]);
      steps.push((await progress()).step);
    }
    const done = await progress();
    expect(done).toMatchObject({ status: "done", step: "done", lastError: null });
    expect(done.counts).toMatchObject({ conversations: 2, objects: 25, inbox: 1, tenant: 1 });
    // The crashed slice's conversation is removed once; 25 objects take two pages of 20.
    expect(steps.filter((step) => step === "conversations")).toHaveLength(1);
    expect(steps.filter((step) => step === "objects")).toHaveLength(2);
    expect(steps.slice(-3)).toEqual(["inbox", "tenant", "done"]);
    expect(await s3Objects(prefixOf(T))).toEqual([]);
    expect(Object.values(await tenantRows(T)).every((n) => n === 0)).toBe(true);
    for (const c of [first, second]) expect(await storageOf(room(c.id))).toEqual({ rows: 0, alarm: null });
  });

  it("records a failing slice's error, marks the job failed from the dead-letter queue, and resumes on request", {
    timeout: 30_000,
  }, async () => {
    // Storage refuses this key pair (AccessDenied): the objects step fails.
    const broken = heldQueueWorker({
      STORAGE_PROVIDER: "s3",
      S3_ACCESS_KEY_ID: "AKIATESTNOACCESS",
      S3_SECRET_ACCESS_KEY: "test-s3-no-access",
    });
    const tenant = await registerTenant();
    const platform = await addUser((await registerTenant()).tenant.id, "PLATFORM_ADMIN");
    const T = tenant.tenant.id;
    const slug = await slugOf(tenant);
    const response = await broken.fetch(`/api/tenants/${T}`, {
      method: "DELETE",
      token: tenant.accessToken,
      json: { confirm: slug },
    });
    expect(response.status).toBe(202);
    const progress = () =>
      callJson<Deletion>(`/api/tenants/${T}/deletion`, { token: platform.accessToken }, 200);

    await broken.next(); // conversations
    await broken.next(); // rows
    expect((await progress()).step).toBe("objects");
    const { job, result } = await broken.next();
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await progress()).toMatchObject({
      status: "running",
      step: "objects",
      lastError: expect.stringMatching(/Access Denied/),
    });

    // The queue gave up: the message reaches the dead-letter consumer.
    const dead = await broken.deliver(job, `${QUEUE}-dlq`);
    expect(dead.explicitAcks).toHaveLength(1);
    const failed = await progress();
    expect(failed).toMatchObject({ status: "failed", step: "objects" });
    expect(failed.lastError).toMatch(/^Gave up after the queue's retries: .*Access Denied/);

    // A platform admin repeats the request: the job resumes where it stopped.
    const fixed = heldQueueWorker({ STORAGE_PROVIDER: "s3" });
    const resumed = await fixed.fetch(`/api/tenants/${T}`, {
      method: "DELETE",
      token: platform.accessToken,
      json: { confirm: slug },
    });
    expect(resumed.status).toBe(202);
    expect(await resumed.json()).toMatchObject({ status: "running", step: "objects" });
    expect(fixed.sent).toEqual([job]);
    while (fixed.sent.length > 0) await fixed.next();
    expect(await progress()).toMatchObject({ status: "done", lastError: null });

    expect((await broken.deliver({ jobId: "nope" })).explicitAcks).toHaveLength(1);
  });
});
