// The console's inbox list: the socket's snapshot and events merged with the REST pages.
import { describe, expect, it } from "vitest";
import { addPage, applyInbox, emptyInbox, markRead, visibleRows } from "../../../src/console/inbox-state";
import type { ConversationView } from "../../../src/features/conversations/conversations.views";

const conversation = (id: string, at: string, extra: Partial<ConversationView> = {}): ConversationView => ({
  id,
  tenantId: "t",
  status: "open",
  channel: "web",
  visitorId: `visitor-${id}`,
  contactId: null,
  teamId: null,
  channelId: null,
  channelContactRef: null,
  priority: "none",
  snoozedUntil: null,
  customerUserId: null,
  agentId: null,
  assigneeId: null,
  metadata: {},
  idleTimeoutSeconds: 1800,
  lastSeq: 1,
  messageCount: 1,
  lastMessageAt: at,
  lastMessagePreview: `hello from ${id}`,
  firstResponseAt: null,
  resolvedAt: null,
  createdAt: at,
  updatedAt: at,
  ...extra,
});

describe("the console's inbox state", () => {
  it("keeps the REST pages when the socket's snapshot arrives after them, and the server's unread counts", () => {
    let state = addPage(emptyInbox(), [
      { ...conversation("a", "2026-12-01T10:00:00.000Z"), unreadCount: 2 },
      { ...conversation("b", "2026-12-01T09:00:00.000Z"), unreadCount: 0 },
    ]);
    state = applyInbox(
      state,
      { type: "snapshot", conversations: [conversation("a", "2026-12-01T10:00:00.000Z")] },
      null,
    );
    expect(state.rows.size).toBe(2);
    expect(state.rows.get("a")?.unread).toBe(2);
  });

  it("counts customer messages as unread unless the conversation is open; staff messages never", () => {
    let state = addPage(emptyInbox(), [{ ...conversation("a", "2026-12-01T10:00:00.000Z"), unreadCount: 0 }]);
    const message = (kind: "visitor" | "staff", seq: number, count = 1) =>
      ({
        type: "message",
        conversationId: "a",
        seq,
        sender: { kind, id: "x" },
        preview: `m${seq}`,
        createdAt: `2026-12-01T11:00:0${seq}.000Z`,
        count,
      }) as const;
    state = applyInbox(state, message("visitor", 2, 3), null);
    state = applyInbox(state, message("staff", 5), null);
    expect(state.rows.get("a")).toMatchObject({ unread: 3, lastSeq: 5, lastMessagePreview: "m5" });
    state = applyInbox(state, message("visitor", 6), "a");
    expect(state.rows.get("a")?.unread).toBe(3);
    expect(markRead(state, "a").rows.get("a")?.unread).toBe(0);
  });

  it("filters by status and search, newest first", () => {
    let state = emptyInbox();
    state = applyInbox(
      state,
      { type: "conversation.created", conversation: conversation("old", "2026-12-01T08:00:00.000Z") },
      null,
    );
    state = applyInbox(
      state,
      { type: "conversation.created", conversation: conversation("new", "2026-12-01T12:00:00.000Z") },
      null,
    );
    state = applyInbox(
      state,
      { type: "conversation.status", conversationId: "old", status: "resolved", assigneeId: null },
      null,
    );
    expect(visibleRows(state, "all", "").map((r) => r.id)).toEqual(["new", "old"]);
    expect(visibleRows(state, "resolved", "").map((r) => r.id)).toEqual(["old"]);
    expect(visibleRows(state, "all", "FROM NEW").map((r) => r.id)).toEqual(["new"]);
  });
});
