// The inbox list as staff see it: the socket's snapshot, kept current by its events, with the REST
// pages (which also carry labels and unread counts) and server-side search results merged in.
import type { ConversationView } from "../features/conversations/conversations.views";
import type { InboxEvent } from "../features/inbox/inbox.protocol";
import type { PlanView } from "../features/plans/plan-types";

/** What the inbox socket sends: a snapshot of the newest conversations, then events. */
export type InboxFrame = InboxEvent | { type: "snapshot"; conversations: ConversationView[] };

export interface LabelRef {
  id: string;
  name: string;
  color: string;
}

export interface InboxRow extends ConversationView {
  unread: number;
  /** Undefined until a REST page or a label event says (the socket's snapshot does not carry them). */
  labels?: LabelRef[];
}

/** A row of GET /api/conversations. */
export type ListItem = ConversationView & {
  unreadCount: number;
  labels?: LabelRef[];
  search?: { rank: number; snippet: string; matched: string };
};

export interface InboxState {
  rows: Map<string, InboxRow>;
  plans: Map<string, PlanView>;
  typing: Set<string>;
}

/** The inbox filters: "" is any; assignee may also be "me" or "none". */
export interface InboxFilter {
  status: string;
  assignee: string;
  team: string;
  label: string;
  channel: string;
}

export const noFilter: InboxFilter = { status: "", assignee: "", team: "", label: "", channel: "" };

export const emptyInbox = (): InboxState => ({ rows: new Map(), plans: new Map(), typing: new Set() });

/** The state after one inbox frame; `openId` is the conversation on screen (its messages are read). */
export function applyInbox(state: InboxState, frame: InboxFrame, openId: string | null): InboxState {
  const rows = new Map(state.rows);
  const plans = new Map(state.plans);
  const typing = new Set(state.typing);
  const update = (id: string, change: (row: InboxRow) => Partial<InboxRow>) => {
    const row = rows.get(id);
    if (row) rows.set(id, { ...row, ...change(row) });
  };
  switch (frame.type) {
    case "snapshot":
      // The newest conversations, on every (re)connect: they update what the REST pages listed.
      for (const c of frame.conversations) {
        const known = rows.get(c.id);
        rows.set(c.id, { ...c, unread: known?.unread ?? 0, labels: known?.labels });
      }
      break;
    case "conversation.created":
      rows.set(frame.conversation.id, { ...frame.conversation, unread: 0, labels: [] });
      break;
    case "conversation.status":
      update(frame.conversationId, (row) => ({
        status: frame.status as InboxRow["status"],
        assigneeId: frame.assigneeId,
        teamId: frame.teamId === undefined ? row.teamId : frame.teamId,
      }));
      break;
    case "conversation.updated":
      update(frame.conversationId, (row) => ({
        labels: frame.labels ?? row.labels,
        priority: (frame.priority as InboxRow["priority"] | undefined) ?? row.priority,
      }));
      break;
    case "conversation.deleted":
      rows.delete(frame.conversationId);
      break;
    case "message": {
      const row = rows.get(frame.conversationId);
      if (!row) break;
      const fromCustomer = frame.sender.kind === "visitor";
      rows.set(row.id, {
        ...row,
        lastSeq: Math.max(row.lastSeq, frame.seq),
        lastMessagePreview: frame.kind === "note" ? row.lastMessagePreview : frame.preview,
        lastMessageAt: frame.createdAt,
        unread: fromCustomer && row.id !== openId ? row.unread + frame.count : row.unread,
      });
      typing.delete(row.id);
      break;
    }
    case "typing":
      if (frame.participant.kind === "visitor") {
        if (frame.on) typing.add(frame.conversationId);
        else typing.delete(frame.conversationId);
      }
      break;
    case "plan.pending":
      plans.set(frame.plan.id, frame.plan);
      break;
    case "plan.finished":
      plans.delete(frame.plan.id);
      break;
    default:
      return state;
  }
  return { rows, plans, typing };
}

/**
 * Adds a page of the REST list (older conversations than the socket's snapshot covers, or a filtered
 * or searched page) with the server's unread counts and labels; rows the socket already gave keep
 * their live fields (they are newer).
 */
export function addPage(state: InboxState, page: ListItem[]): InboxState {
  const rows = new Map(state.rows);
  for (const { unreadCount, search: _search, ...conversation } of page) {
    const known = rows.get(conversation.id);
    if (!known) {
      rows.set(conversation.id, { ...conversation, unread: unreadCount });
      continue;
    }
    const unread =
      known.unread === 0 && unreadCount > 0 && known.lastSeq <= conversation.lastSeq
        ? unreadCount
        : known.unread;
    rows.set(conversation.id, { ...known, unread, labels: known.labels ?? conversation.labels });
  }
  return { ...state, rows };
}

/** Puts one conversation's latest fields (an action's answer) into its row. */
export function updateRow(state: InboxState, id: string, change: Partial<InboxRow>): InboxState {
  const known = state.rows.get(id);
  if (!known) return state;
  const rows = new Map(state.rows);
  rows.set(id, { ...known, ...change });
  return { ...state, rows };
}

/** Marks a conversation read (it is on screen). */
export function markRead(state: InboxState, id: string): InboxState {
  const row = state.rows.get(id);
  if (!row || row.unread === 0) return state;
  const rows = new Map(state.rows);
  rows.set(id, { ...row, unread: 0 });
  return { ...state, rows };
}

/** Whether a row passes the filters (`me`: the signed-in user's id). */
export function matches(row: InboxRow, filter: InboxFilter, me: string | null): boolean {
  if (filter.status && row.status !== filter.status) return false;
  if (filter.assignee === "none" && row.assigneeId !== null) return false;
  if (filter.assignee === "me" && row.assigneeId !== me) return false;
  if (filter.assignee && !["me", "none"].includes(filter.assignee) && row.assigneeId !== filter.assignee)
    return false;
  if (filter.team && row.teamId !== filter.team) return false;
  if (filter.channel && row.channel !== filter.channel) return false;
  if (filter.label && !row.labels?.some((label) => label.id === filter.label)) return false;
  return true;
}

/**
 * The rows to show, newest first: those passing the filters, or with `searchIds` (the server's
 * full-text answer, best match first) those of them still passing the filters.
 */
export function visibleRows(
  state: InboxState,
  filter: InboxFilter,
  me: string | null = null,
  searchIds: string[] | null = null,
): InboxRow[] {
  if (searchIds)
    return searchIds
      .map((id) => state.rows.get(id))
      .filter((row): row is InboxRow => row !== undefined && matches(row, filter, me));
  return [...state.rows.values()]
    .filter((row) => matches(row, filter, me))
    .sort((a, b) => (b.lastMessageAt ?? b.updatedAt).localeCompare(a.lastMessageAt ?? a.updatedAt));
}

/** The list API's query for the filters it supports (assignee "none" is the console's own). */
export function listQuery(filter: InboxFilter, me: string | null, q = ""): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  const assignee = filter.assignee === "me" ? me : filter.assignee === "none" ? "" : filter.assignee;
  if (assignee) params.set("assigneeId", assignee);
  if (filter.team) params.set("teamId", filter.team);
  if (filter.label) params.set("label", filter.label);
  if (filter.channel) params.set("channel", filter.channel);
  if (q.trim()) params.set("q", q.trim());
  return params.toString();
}

const ENTITIES: Record<string, string> = {
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&amp;": "&",
};

/** A search snippet (HTML-escaped, matches in <mark>) as text parts, the marked ones flagged. */
export function snippetParts(snippet: string): { text: string; mark: boolean }[] {
  const plain = (s: string) => s.replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity);
  return snippet
    .split(/(<mark>.*?<\/mark>)/)
    .filter((part) => part !== "")
    .map((part) =>
      part.startsWith("<mark>") && part.endsWith("</mark>")
        ? { text: plain(part.slice(6, -7)), mark: true }
        : { text: plain(part), mark: false },
    );
}
