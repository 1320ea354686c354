import type { ConversationStatus } from "../../db/schema";
import type { RoomInboxFeed } from "./room-inbox-feed";
import type { RoomSockets } from "./room-sockets";
import type { RoomMeta, RoomStore } from "./room-store";

/** What else a status change may set: a snooze's end (with `snoozed` only), the team (undefined keeps it). */
export interface StatusExtra {
  until?: number | undefined;
  teamId?: string | null | undefined;
}

/** What a status change touches in its room. */
export interface StatusParts {
  store: () => RoomStore;
  sockets: RoomSockets;
  inbox: RoomInboxFeed;
  /** Stops a running AI reply. */
  cancelAi: (reason: string) => void;
  /** After the change is stored: its analytics (the meta as it is now, the status before). */
  changed: (meta: RoomMeta, before: string, reason: string | undefined, now: number) => void;
}

/**
 * The single place a room's status changes: meta, the Postgres copy (outbox), the room and the
 * inbox. Anything but `open` stops the AI. `until` (a snooze's end) goes with `snoozed` only.
 */
export function changeStatus(
  parts: StatusParts,
  change: {
    status: ConversationStatus;
    assigneeId: string | null;
    reason?: string | undefined;
  } & StatusExtra,
): void {
  const { status, assigneeId, reason } = change;
  const store = parts.store();
  const meta = store.meta();
  if (!meta) return;
  if (status !== "open")
    parts.cancelAi(status === "with_human" ? "a human took over" : `conversation is ${status}`);
  const now = Date.now();
  const snoozedUntil = status === "snoozed" ? (change.until ?? null) : null;
  const teamId = change.teamId === undefined ? (meta.teamId ?? null) : change.teamId;
  store.saveMeta({ ...meta, status, assigneeId, teamId, snoozedUntil, lastActivityAt: now });
  parts.changed({ ...meta, status, assigneeId, teamId, snoozedUntil }, meta.status, reason, now);
  store.enqueue("status", { status, assigneeId, teamId, snoozedUntil, at: now }, now);
  const extra = { teamId, ...(reason ? { reason } : {}), ...(snoozedUntil ? { snoozedUntil } : {}) };
  parts.sockets.broadcast({ type: "status", status, assigneeId, ...extra });
  parts.inbox.publish(meta, {
    type: "conversation.status",
    conversationId: meta.conversationId,
    status,
    assigneeId,
    ...extra,
  });
}

/** Statuses that never expire for idleness: closed ones, and a snoozed one (its alarm wakes it). */
export const NO_IDLE_EXPIRY: readonly string[] = ["resolved", "expired", "snoozed"];

/** When the room's alarm opens its snoozed conversation again (null: it is not snoozed). */
export function snoozeDeadline(meta: RoomMeta): number | null {
  return meta.status === "snoozed" ? (meta.snoozedUntil ?? null) : null;
}

/**
 * The status a new message moves its conversation to, or null. The business replying owns the
 * conversation: the AI steps back, and a staff user becomes the assignee if there is none (an
 * integration is never one). A reply wakes a snoozed conversation, as does the visitor writing
 * (back to `open`, where the AI may answer) or a message after the snooze's end. A note changes nothing.
 */
export function statusAfterPost(
  meta: RoomMeta,
  sender: { kind: string; id: string },
  kind: "message" | "note",
  now: number,
): { status: ConversationStatus; assigneeId: string | null; reason?: string } | null {
  if (kind === "note") return null;
  const staff = sender.kind === "staff";
  if ((staff || sender.kind === "integration") && ["open", "pending_human", "snoozed"].includes(meta.status))
    return {
      status: "with_human",
      assigneeId: meta.assigneeId ?? (staff ? sender.id : null),
      ...(meta.status === "snoozed" ? { reason: "staff replied" } : {}),
    };
  const reason = wakeReason(meta, now, sender.kind === "visitor");
  return reason ? { status: "open", assigneeId: meta.assigneeId, reason } : null;
}

/** Why a snoozed conversation opens again now, or null: its time came, or the visitor wrote. */
export function wakeReason(meta: RoomMeta, now: number, visitorWrote: boolean): string | null {
  if (meta.status !== "snoozed") return null;
  if (visitorWrote) return "the visitor wrote";
  const due = snoozeDeadline(meta);
  return due !== null && now >= due ? "snooze ended" : null;
}

/** The status change the room's alarm makes at `now`: a snooze that ended opens, an idle conversation expires. */
export function statusAtAlarm(
  meta: RoomMeta,
  now: number,
  idleDeadline: number,
): { status: "open" | "expired"; reason: string } | null {
  const woken = wakeReason(meta, now, false);
  if (woken) return { status: "open", reason: woken };
  if (!NO_IDLE_EXPIRY.includes(meta.status) && now >= idleDeadline)
    return { status: "expired", reason: "idle" };
  return null;
}

/** When the room's alarm must next look at the status: a snooze's end, or else the idle deadline. */
export function statusDeadline(meta: RoomMeta, idleDeadline: number): number | null {
  return NO_IDLE_EXPIRY.includes(meta.status) ? snoozeDeadline(meta) : idleDeadline;
}
