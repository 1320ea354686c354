import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { conversations, messages } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import type { SenderKind } from "../../../src/features/conversations/conversations.protocol";
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
  store?: {
    meta(): Record<string, unknown>;
    saveMeta(meta: unknown): void;
    append(sender: unknown, text: string, clientId: undefined, metadata: object, now: number): unknown;
    enqueue(kind: string, payload: unknown, now: number): void;
  };
}

interface Outbox {
  pending: number;
  deadCount: number;
  dead: { kind: string; payload: Record<string, unknown>; error: { code: string; message: string } }[];
}

async function storedTexts(conversationId: string): Promise<string[]> {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const rows = await db
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(messages.seq);
    return rows.map((row) => row.text);
  } finally {
    await close();
  }
}

/** Writes rows straight into the room's store, past every boundary check: the next unknown poison. */
async function injectPoison(conversationId: string, write: (store: NonNullable<Seam["store"]>) => void) {
  await runInDurableObject(room(conversationId), (instance) => {
    const { store } = instance as unknown as Seam;
    if (store) write(store);
  });
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
    // Five messages, the status change the first staff message caused (open → with_human), and the
    // analytics events: the conversation's creation and each of the five replies.
    expect(info?.outbox.pending).toBe(12);
    expect(info?.flushAttempts).toBe(1);

    const metrics = await waitForMetrics(tenant.accessToken, (m) => m.outboxPending === 12);
    expect(metrics.flushLagSeconds).toBeGreaterThanOrEqual(0);

    // Still chatting during the outage; a wake before the backoff's deadline does not retry Postgres.
    client.send({ type: "message", clientId: "down-6", text: "still here" });
    await client.next((f) => f.type === "message" && f.seq === 6);
    await runDurableObjectAlarm(stub);
    expect(await stub.info()).toMatchObject({ flushAttempts: 1, outbox: { pending: 14 } });

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

  it("writes a message once in the room (its row is its place in the outbox) and copies it to Postgres once", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    for (const text of ["one", "two"])
      await callJson(path, { token: tenant.accessToken, json: { text } }, 201);
    const queued = await runInDurableObject(room(conversation.id), (_instance, state) =>
      state.storage.sql.exec<{ kind: string }>("SELECT kind FROM outbox").toArray(),
    );
    expect(queued.map((row) => row.kind)).not.toContain("message");
    // The two messages wait with the other rows (the status change and the analytics facts).
    const waiting = await room(conversation.id).info();
    expect(waiting?.outbox.pending).toBe(queued.length + 2);
    expect(waiting?.outbox.oldestAt).toEqual(expect.any(Number));
    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["one", "two"]);
    expect((await room(conversation.id).info())?.outbox.pending).toBe(0);
    await callJson(path, { token: tenant.accessToken, json: { text: "three" } }, 201);
    await runDurableObjectAlarm(room(conversation.id));
    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["one", "two", "three"]);
  });

  it("copies the queued messages of a room written before the outbox referred to message rows, once", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    // As the room used to store a message: its row, and a copy of its JSON in the outbox.
    await runInDurableObject(room(conversation.id), (_instance, state) => {
      const now = Date.now();
      const message = {
        type: "message",
        seq: 1,
        id: crypto.randomUUID(),
        sender: { kind: "visitor", id: "v-old" },
        text: "queued by the old room",
        createdAt: new Date(now).toISOString(),
        metadata: {},
      };
      const { sql } = state.storage;
      sql.exec(
        "INSERT INTO messages (seq, id, sender_kind, sender_id, text, created_at) VALUES (1, ?, 'visitor', 'v-old', ?, ?)",
        message.id,
        message.text,
        now,
      );
      sql.exec(
        "INSERT INTO outbox (kind, payload, created_at) VALUES ('message', ?, ?)",
        JSON.stringify(message),
        now,
      );
      sql.exec("DELETE FROM meta WHERE key = 'flushed_seq'");
    });
    await evictDurableObject(room(conversation.id));
    await callJson(path, { token: tenant.accessToken, json: { text: "written by the new room" } }, 201);
    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["queued by the old room", "written by the new room"]);
    expect((await room(conversation.id).info())?.outbox.pending).toBe(0);
  });

  it("copies a quiet room's message half a second after it, and a busy room's at most every two seconds", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const stub = room(conversation.id);
    const post = (text: string) =>
      callJson(
        `/api/conversations/${conversation.id}/messages`,
        { token: tenant.accessToken, json: { text } },
        201,
      );
    const alarm = () => runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    const quiet = Date.now();
    // A new room has copied nothing yet: quiet (its creation fact waits with the message).
    await post("first after a quiet spell");
    expect(await alarm()).toBeLessThanOrEqual(Date.now() + 500);
    expect(await alarm()).toBeGreaterThan(quiet - 1000);
    await runDurableObjectAlarm(stub);
    await post("right after a copy");
    // Not half a second later: with the copy before, about two seconds (the inbox's folded event rides along).
    expect(await alarm()).toBeGreaterThan(Date.now() + 1000);
    await runDurableObjectAlarm(stub);
    expect(await storedTexts(conversation.id)).toEqual(["first after a quiet spell", "right after a copy"]);
  });

  it("copies text and metadata that array literals must escape (quotes, backslashes, braces, NULL-like words) exactly", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const text = 'say "hi", {NULL} \\ back\\slash, 😀 ,}';
    const metadata = { quote: '"', slash: "\\", list: ["a,b", "{c}"], word: "NULL" };
    await injectPoison(conversation.id, (store) => {
      store.append({ kind: "visitor", id: "v1" }, text, undefined, metadata, Date.now());
      store.append({ kind: "visitor", id: "v1" }, "NULL", undefined, {}, Date.now());
    });
    await runDurableObjectAlarm(room(conversation.id));
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const rows = await db
        .select({ text: messages.text, metadata: messages.metadata, clientId: messages.clientId })
        .from(messages)
        .where(eq(messages.conversationId, conversation.id))
        .orderBy(messages.seq);
      expect(rows).toEqual([
        { text, metadata, clientId: null },
        { text: "NULL", metadata: {}, clientId: null },
      ]);
    } finally {
      await close();
    }
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

describe("the list view's fields, moved by each copy", () => {
  const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, second)).toISOString();
  const message = (seq: number, kind: SenderKind, second: number, extra: object = {}) => ({
    id: crypto.randomUUID(),
    kind: "message" as const,
    createdAt: Date.now(),
    payload: "",
    message: {
      type: "message" as const,
      seq,
      id: crypto.randomUUID(),
      sender: { kind, id: kind === "visitor" ? "v-1" : "u-1" },
      text: `text ${seq}`,
      createdAt: at(second),
      metadata: {},
      ...extra,
    },
  });

  async function listFields(conversationId: string) {
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const [row] = await db
        .select({
          lastSeq: conversations.lastSeq,
          messageCount: conversations.messageCount,
          lastMessageAt: conversations.lastMessageAt,
          preview: conversations.lastMessagePreview,
          firstVisitor: conversations.firstVisitorMessageAt,
          firstResponse: conversations.firstResponseAt,
        })
        .from(conversations)
        .where(eq(conversations.id, conversationId));
      return row;
    } finally {
      await close();
    }
  }

  it("counts only rows inserted, never previews a note, and finds the first response when the first visitor message is copied late", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const target = { conversationId: conversation.id, tenantId: tenant.tenant.id };
    const { db, close } = openDatabase(loadConfig(env));
    const flush = (rows: ReturnType<typeof message>[]) =>
      flushToPostgres(
        db,
        target,
        rows.map((row, i) => ({ ...row, id: i + 1 })),
      );
    try {
      // A staff answer (second 20) and a note arrive before the visitor's first message is copied.
      expect(await flush([message(2, "staff", 20), message(3, "staff", 30, { kind: "note" })])).toBe(true);
      expect(await listFields(conversation.id)).toMatchObject({
        lastSeq: 3,
        messageCount: 2,
        preview: "text 2",
        firstVisitor: null,
        firstResponse: null,
      });
      // The visitor's message (second 10) comes late, replayed with the rows already copied.
      const late = message(1, "visitor", 10);
      expect(await flush([late, message(2, "staff", 20), late])).toBe(true);
      expect(await listFields(conversation.id)).toMatchObject({
        lastSeq: 3,
        messageCount: 3,
        preview: "text 2",
        firstVisitor: new Date(at(10)),
        firstResponse: new Date(at(20)),
        lastMessageAt: new Date(at(30)),
      });
      // Later messages: the newest non-note previews; the first response stays the first.
      expect(await flush([message(4, "ai", 40), message(5, "visitor", 50)])).toBe(true);
      expect(await listFields(conversation.id)).toMatchObject({
        lastSeq: 5,
        messageCount: 5,
        preview: "text 5",
        firstResponse: new Date(at(20)),
        lastMessageAt: new Date(at(50)),
      });
      expect(await storedCount(conversation.id)).toBe(5);
    } finally {
      await close();
    }
  });

  it("writes nothing, a status change included, for a conversation of another tenant", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant();
    const conversation = await createConversation(tenant);
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const status = {
        id: 2,
        kind: "status" as const,
        createdAt: Date.now(),
        payload: '{"status":"resolved"}',
      };
      const wrong = { conversationId: conversation.id, tenantId: other.tenant.id };
      expect(await flushToPostgres(db, wrong, [{ ...message(1, "visitor", 1), id: 1 }, status])).toBe(false);
    } finally {
      await close();
    }
    expect(await storedCount(conversation.id)).toBe(0);
    expect(await listFields(conversation.id)).toMatchObject({ messageCount: 0, lastSeq: 0 });
    const view = await callJson<{ status: string }>(
      `/api/conversations/${conversation.id}`,
      {
        token: tenant.accessToken,
      },
      200,
    );
    expect(view.status).toBe("open");
  });
});

describe("poison rows in the outbox", () => {
  afterEach(() => vi.restoreAllMocks());

  it("dead-letters a row Postgres refuses, copies the rows after it and reports it", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const path = `/api/conversations/${conversation.id}/messages`;
    const secret = "card 4242 4242 4242 4242";
    await injectPoison(conversation.id, (store) => {
      store.append({ kind: "visitor", id: "v1" }, `${secret}\u0000`, undefined, {}, Date.now());
      // An assignee that is no user: the foreign key refuses it.
      store.enqueue("status", { status: "with_human", assigneeId: crypto.randomUUID() }, Date.now());
    });
    await callJson(path, { token: tenant.accessToken, json: { text: "good after poison" } }, 201);
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const)
      vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));

    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["good after poison"]);
    const outbox = await callJson<Outbox>(
      `${path.replace("/messages", "/outbox")}`,
      { token: tenant.accessToken },
      200,
    );
    expect(outbox.pending).toBe(0);
    expect(outbox.deadCount).toBe(2);
    expect(outbox.dead.map((d) => [d.kind, d.error.code])).toEqual([
      ["message", "22021"],
      ["status", "23503"],
    ]);
    expect(outbox.dead[0]?.payload).toMatchObject({ seq: 1, text: `${secret}\u0000` });
    const gauges = await waitForMetrics(tenant.accessToken, (m) => m.outboxDead === 2);
    expect(gauges.outboxPending).toBe(0);

    // Later rows keep flowing: the dead letters never block them.
    await callJson(path, { token: tenant.accessToken, json: { text: "and later" } }, 201);
    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["good after poison", "and later"]);
    expect((await room(conversation.id).info())?.flushAttempts).toBe(0);
    expect(lines.some((line) => line.includes("dead-lettered"))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line.length).toBeLessThanOrEqual(2048);
    }
  });

  it("flushes a reply sent with a tenant API key (REST and socket) as an integration, never as an assignee", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const key = await callJson<{ key: string; id: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "crm" } },
      201,
    );
    const rest = await callJson<{ message: { sender: { kind: string; id: string } } }>(
      `/api/conversations/${conversation.id}/messages`,
      { token: key.key, json: { text: "from the CRM" } },
      201,
    );
    expect(rest.message.sender).toEqual({ kind: "integration", id: key.id });
    const client = await joinAsStaff({ accessToken: key.key }, conversation.id);
    client.send({ type: "message", clientId: "crm-1", text: "over the socket" });
    const echoed = await client.next((f) => f.type === "message" && f.seq === 2);
    expect(echoed.sender).toEqual({ kind: "integration", id: key.id });

    await runDurableObjectAlarm(room(conversation.id));
    expect(await storedTexts(conversation.id)).toEqual(["from the CRM", "over the socket"]);
    const { db, close } = openDatabase(loadConfig(env));
    try {
      const [row] = await db
        .select({ status: conversations.status, assigneeId: conversations.assigneeId })
        .from(conversations)
        .where(eq(conversations.id, conversation.id));
      expect(row).toEqual({ status: "with_human", assigneeId: null });
    } finally {
      await close();
    }
    expect((await room(conversation.id).info())?.outbox).toMatchObject({ pending: 0, dead: 0 });
  });
});

interface TenantGauges {
  outboxDead: number;
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
