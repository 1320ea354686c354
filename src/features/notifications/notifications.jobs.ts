import { z } from "zod";
import { describeError, log } from "../../lib/logger";
import { inboxClient } from "../inbox/inbox-client";

/** A notification queue message: a conversation started waiting, or a user's digest window ended. */
export const NotificationJobSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("waiting"),
    tenantId: z.uuid(),
    conversationId: z.uuid(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
  }),
  z.object({ kind: z.literal("digest"), userId: z.uuid() }),
]);
export type NotificationJob = z.infer<typeof NotificationJobSchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    NOTIFICATION_QUEUE: Queue<NotificationJob>;
  }
}

/**
 * Tells staff that a conversation waits for a human (docs/notifications.md) when nobody of the
 * tenant is online now: the consumer emails its assignee, else its team, else the tenant's staff.
 * Never throws.
 */
export async function notifyWaiting(
  env: Env,
  room: { tenantId: string; conversationId: string; assigneeId: string | null; teamId?: string | null },
): Promise<void> {
  const { tenantId, conversationId, assigneeId } = room;
  try {
    if ((await inboxClient(env, tenantId).onlineStaff()).length > 0) return;
    await env.NOTIFICATION_QUEUE.send({
      kind: "waiting",
      tenantId,
      conversationId,
      assigneeId,
      teamId: room.teamId ?? null,
    });
  } catch (error) {
    log("warn", "waiting notification not queued", { tenantId, conversationId, ...describeError(error) });
  }
}
