// The console's inbox list: the socket's snapshot and events merged with the REST pages.
import { describe, expect, it } from "vitest";
import {
  addPage,
  applyInbox,
  emptyInbox,
  listQuery,
  markRead,
  noFilter,
  snippetParts,
  visibleRows,
} from "../../../src/console/inbox-state";
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
    expect(visibleRows(state, noFilter).map((r) => r.id)).toEqual(["new", "old"]);
    expect(visibleRows(state, { ...noFilter, status: "resolved" }).map((r) => r.id)).toEqual(["old"]);
  });

  it("filters live by assignee, team, label and channel as the events change them", () => {
    const at = "2026-12-01T10:00:00.000Z";
    let state = addPage(emptyInbox(), [
      { ...conversation("a", at), unreadCount: 0, labels: [] },
      { ...conversation("b", at, { channel: "whatsapp" }), unreadCount: 0, labels: [] },
    ]);
    const ids = (filter: Partial<typeof noFilter>) =>
      visibleRows(state, { ...noFilter, ...filter }, "me-id").map((r) => r.id);
    expect(ids({ channel: "whatsapp" })).toEqual(["b"]);
    expect(ids({ assignee: "none" })).toEqual(["a", "b"]);
    state = applyInbox(
      state,
      {
        type: "conversation.status",
        conversationId: "a",
        status: "with_human",
        assigneeId: "me-id",
        teamId: "t1",
      },
      null,
    );
    state = applyInbox(
      state,
      {
        type: "conversation.updated",
        conversationId: "b",
        labels: [{ id: "l1", name: "vip", color: "#000000" }],
      },
      null,
    );
    expect(ids({ assignee: "me" })).toEqual(["a"]);
    expect(ids({ assignee: "none" })).toEqual(["b"]);
    expect(ids({ team: "t1" })).toEqual(["a"]);
    expect(ids({ label: "l1" })).toEqual(["b"]);
    state = applyInbox(state, { type: "conversation.deleted", conversationId: "b" }, null);
    expect(ids({})).toEqual(["a"]);
  });

  it("keeps labels from the REST pages when the socket's snapshot (which has none) arrives again", () => {
    const at = "2026-12-01T10:00:00.000Z";
    let state = addPage(emptyInbox(), [
      { ...conversation("a", at), unreadCount: 0, labels: [{ id: "l1", name: "vip", color: "#000000" }] },
    ]);
    state = applyInbox(state, { type: "snapshot", conversations: [conversation("a", at)] }, null);
    expect(state.rows.get("a")?.labels).toEqual([{ id: "l1", name: "vip", color: "#000000" }]);
  });

  it("shows search results in the server's order, still filtered, and asks the list API for what it filters", () => {
    const state = addPage(emptyInbox(), [
      { ...conversation("a", "2026-12-01T12:00:00.000Z"), unreadCount: 0 },
      { ...conversation("b", "2026-12-01T08:00:00.000Z", { status: "resolved" }), unreadCount: 0 },
    ]);
    expect(visibleRows(state, noFilter, null, ["b", "a", "gone"]).map((r) => r.id)).toEqual(["b", "a"]);
    expect(visibleRows(state, { ...noFilter, status: "open" }, null, ["b", "a"]).map((r) => r.id)).toEqual([
      "a",
    ]);
    expect(listQuery({ ...noFilter, status: "open", assignee: "me", label: "l1" }, "u1", " refund ")).toBe(
      "status=open&assigneeId=u1&label=l1&q=refund",
    );
    expect(listQuery({ ...noFilter, assignee: "none" }, "u1")).toBe("");
  });

  it("turns a search snippet into text with its marks, never into markup", () => {
    expect(snippetParts("a &lt;b&gt; <mark>refund</mark> &amp; more")).toEqual([
      { text: "a <b> ", mark: false },
      { text: "refund", mark: true },
      { text: " & more", mark: false },
    ]);
  });
});
