// A drain copies what the outbox held when it began: rows written while it runs wait for the next
// copy. Before, a room receiving 400 msg/s drained without end, one Postgres round trip per two
// messages (872 batches for 2,000 messages; docs/benchmarks.md, Realtime).
import { describe, expect, it } from "vitest";
import type { Database } from "../../../../src/db/client";
import { drainOutbox } from "../../../../src/features/conversations/room-flush";
import type { OutboxEnd, OutboxRow } from "../../../../src/features/conversations/room-store";

/** An outbox of message rows, ids 1…n; `outbox` honours `end` as the room's store does. */
function memoryStore() {
  const rows: OutboxRow[] = [];
  const add = () => {
    const seq = rows.length + 1;
    rows.push({
      id: -seq,
      kind: "message",
      payload: "",
      createdAt: 0,
      message: {
        type: "message",
        seq,
        id: crypto.randomUUID(),
        sender: { kind: "visitor", id: "v" },
        text: "hi",
        createdAt: new Date(0).toISOString(),
        metadata: {},
      },
    });
  };
  const copied = new Set<number>();
  return {
    add,
    copied,
    store: {
      outboxEnd: (): OutboxEnd => ({ id: 0, seq: rows.length }),
      outbox: (limit: number, end: OutboxEnd) =>
        rows.filter((r) => !copied.has(r.id) && -r.id <= end.seq).slice(0, limit),
      removeFromOutbox: (batch: OutboxRow[]) => {
        for (const row of batch) copied.add(row.id);
      },
      deadLetter: () => {
        throw new Error("no row is refused here");
      },
    },
  };
}

describe("draining the room's outbox", () => {
  it("copies the rows waiting when it began, in batches, and leaves rows written meanwhile for the next copy", async () => {
    const { add, copied, store } = memoryStore();
    for (let i = 0; i < 5; i++) add();
    let batches = 0;
    // Postgres as the HTTP batch answers it; two more messages arrive during every round trip.
    const db = {
      execute: (statement: unknown) => statement,
      batch: async () => {
        batches++;
        add();
        add();
        return [{ rows: [{ id: "conversation" }] }];
      },
    } as unknown as Database;
    const outcome = await drainOutbox(db, { conversationId: "c", tenantId: "t" }, store, 2);
    expect(outcome).toEqual({ kind: "done", deadLettered: 0 });
    expect(batches).toBe(3);
    expect([...copied].sort((a, b) => b - a)).toEqual([-1, -2, -3, -4, -5]);
    expect(store.outbox(100, store.outboxEnd())).toHaveLength(6);
  });
});
