import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { messages } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { flushToPostgres } from "../../../src/features/conversations/room-flush";
import { callJson, registerTenant } from "../../support/api";
import { createConversation, joinAsStaff, room } from "../../support/conversations";
import { isType } from "../../support/ws";

async function storedCount(conversationId: string): Promise<number> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const [row] = await db
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.conversationId, conversationId));
    return row?.n ?? 0;
  } finally {
    await close();
  }
}

interface Seam {
  databaseConfig?: () => unknown;
  store?: { meta(): Record<string, unknown>; saveMeta(meta: unknown): void };
}

describe("outbox to Postgres", () => {
  it("keeps the chat working while Postgres is unreachable and copies every message once after recovery", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const client = await joinAsStaff(tenant, conversation.id);
    const stub = room(conversation.id);

    // The room's next flush goes to a Postgres address nothing answers on (refused by the db proxy).
    await runInDurableObject(stub, (instance) => {
      (instance as unknown as Seam).databaseConfig = () => ({
        ...loadConfig(env),
        DATABASE_URL: "postgres://nobody:none@127.0.0.1:9/none",
      });
    });
    for (let n = 1; n <= 5; n++)
      client.send({ type: "message", clientId: `down-${n}`, text: `while down ${n}` });
    expect((await client.collect(isType("message"), 5)).map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    await runDurableObjectAlarm(stub);
    expect(await storedCount(conversation.id)).toBe(0);
    const info = await stub.info();
    // Five messages plus the status change the first staff message caused (open → with_human).
    expect(info?.outbox.pending).toBe(6);
    expect(info?.flushAttempts).toBe(1);

    const metrics = await waitForMetrics(tenant.accessToken, (m) => m.outboxPending === 6);
    expect(metrics.flushLagSeconds).toBeGreaterThanOrEqual(0);

    // Still chatting during the outage; a wake before the backoff's deadline does not retry Postgres.
    client.send({ type: "message", clientId: "down-6", text: "still here" });
    await client.next((f) => f.type === "message" && f.seq === 6);
    await runDurableObjectAlarm(stub);
    expect(await stub.info()).toMatchObject({ flushAttempts: 1, outbox: { pending: 7 } });

    // Postgres is back and the backoff's retry time has come.
    await runInDurableObject(stub, (instance) => {
      delete (instance as unknown as Seam).databaseConfig;
      const { store } = instance as unknown as Seam;
      store?.saveMeta({ ...store.meta(), nextFlushAt: Date.now() });
    });
    await runDurableObjectAlarm(stub);
    expect(await storedCount(conversation.id)).toBe(6);
    await runDurableObjectAlarm(stub);
    expect(await storedCount(conversation.id)).toBe(6);
    expect((await stub.info())?.outbox.pending).toBe(0);
    await waitForMetrics(tenant.accessToken, (m) => m.outboxPending === 0 && m.messages === 6);
  });

  it("writes a batch idempotently when it is delivered twice", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    for (const text of ["a", "b", "c"])
      await callJson(path, { token: tenant.accessToken, json: { text } }, 201);
    const history = await callJson<{ data: { seq: number }[] }>(path, { token: tenant.accessToken }, 200);
    const batch = history.data.map((message, i) => ({
      id: i + 1,
      kind: "message" as const,
      payload: JSON.stringify(message),
      createdAt: Date.now(),
    }));
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const target = { conversationId: conversation.id, tenantId: tenant.tenant.id };
      expect(await flushToPostgres(db, target, batch)).toBe(true);
      expect(await flushToPostgres(db, target, batch)).toBe(true);
    } finally {
      await close();
    }
    expect(await storedCount(conversation.id)).toBe(3);
    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedCount(conversation.id)).toBe(3);
  });
});

interface TenantGauges {
  outboxPending: number;
  flushLagSeconds: number;
  messages: number;
}

/** The inbox hears about flushes asynchronously; poll /api/metrics until it agrees. */
async function waitForMetrics(token: string, done: (m: TenantGauges) => boolean): Promise<TenantGauges> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { tenants } = await callJson<{ tenants: TenantGauges[] }>("/api/metrics", { token }, 200);
    const gauges = tenants[0];
    if (gauges && done(gauges)) return gauges;
    if (Date.now() > deadline) throw new Error(`metrics never matched: ${JSON.stringify(gauges)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
