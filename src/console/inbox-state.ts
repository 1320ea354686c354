// The inbox list as staff see it: the socket's snapshot, kept current by its events.
import type { ConversationView } from "../features/conversations/conversations.views";
import type { PlanView } from "../features/plans/plan-types";
import type { InboxFrame } from "./live";

export interface InboxRow extends ConversationView {
  unread: number;
}

export interface InboxState {
  rows: Map<string, InboxRow>;
  plans: Map<string, PlanView>;
  typing: Set<string>;
}

export const emptyInbox = (): InboxState => ({ rows: new Map(), plans: new Map(), typing: new Set() });

/** The state after one inbox frame; `openId` is the conversation on screen (its messages are read). */
export function applyInbox(state: InboxState, frame: InboxFrame, openId: string | null): InboxState {
  const rows = new Map(state.rows);
  const plans = new Map(state.plans);
  const typing = new Set(state.typing);
  switch (frame.type) {
    case "snapshot":
      rows.clear();
      for (const c of frame.conversations) rows.set(c.id, { ...c, unread: 0 });
      break;
    case "conversation.created":
      rows.set(frame.conversation.id, { ...frame.conversation, unread: 0 });
      break;
    case "conversation.status": {
      const row = rows.get(frame.conversationId);
      if (row)
        rows.set(row.id, {
          ...row,
          status: frame.status as InboxRow["status"],
          assigneeId: frame.assigneeId,
        });
      break;
    }
    case "message": {
      const row = rows.get(frame.conversationId);
      if (!row) break;
      const fromCustomer = frame.sender.kind === "visitor";
      rows.set(row.id, {
        ...row,
        lastSeq: Math.max(row.lastSeq, frame.seq),
        lastMessagePreview: frame.preview,
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

/** Marks a conversation read (it is on screen). */
export function markRead(state: InboxState, id: string): InboxState {
  const row = state.rows.get(id);
  if (!row || row.unread === 0) return state;
  const rows = new Map(state.rows);
  rows.set(id, { ...row, unread: 0 });
  return { ...state, rows };
}

/** The rows to show: filtered by status and a search over id, visitor and last message, newest first. */
export function visibleRows(state: InboxState, status: string, query: string): InboxRow[] {
  const q = query.trim().toLowerCase();
  return [...state.rows.values()]
    .filter((row) => status === "all" || row.status === status)
    .filter(
      (row) =>
        !q ||
        [row.id, row.visitorId ?? "", row.lastMessagePreview ?? "", row.channel].some((field) =>
          field.toLowerCase().includes(q),
        ),
    )
    .sort((a, b) => (b.lastMessageAt ?? b.updatedAt).localeCompare(a.lastMessageAt ?? a.updatedAt));
}
