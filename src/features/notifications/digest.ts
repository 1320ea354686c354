import { and, asc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type ConversationStatus,
  conversations,
  notificationPreferences,
  staffNotifications,
  teamMembers,
  users,
} from "../../db/schema";
import { log } from "../../lib/logger";
import type { Mailer } from "../../providers/email";
import { inboxClient } from "../inbox/inbox-client";
import type { NotificationJob } from "./notifications.jobs";

export const DEFAULT_PREFERENCES = { emailEnabled: true, digestMinutes: 15 };
// A conversation somebody took, or that ended, is no longer news by the time a digest goes out.
const HANDLED: ConversationStatus[] = ["with_human", "resolved", "expired"];

export interface DigestDeps {
  db: Database;
  env: Env;
  mailer: Mailer;
  /** How long a digest minute lasts (DIGEST_MINUTE_SECONDS; tests shorten it). */
  minuteMs: number;
}

type Waiting = Extract<NotificationJob, { kind: "waiting" }>;

/** Who hears of a waiting conversation: its assignee, else its team, else the tenant's staff (wanting email). */
async function recipients(db: Database, job: Waiting): Promise<string[]> {
  const scope = job.assigneeId
    ? eq(users.id, job.assigneeId)
    : job.teamId
      ? inArray(
          users.id,
          db.select({ id: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, job.teamId)),
        )
      : undefined;
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(
      and(
        eq(users.tenantId, job.tenantId),
        eq(users.status, "active"),
        scope,
        sql`coalesce(${notificationPreferences.emailEnabled}, true)`,
      ),
    )
    .orderBy(asc(users.id));
  return rows.map((row) => row.id);
}

/**
 * A conversation waits for a human (and nobody was online when it started to): unless someone came
 * online since, each recipient is told in their digest (now, if their window allows, else when it ends).
 */
export async function onWaiting(deps: DigestDeps, job: Waiting): Promise<void> {
  const online = await inboxClient(deps.env, job.tenantId).onlineStaff();
  if (online.length > 0) return;
  const userIds = await recipients(deps.db, job);
  if (userIds.length === 0) return;
  await deps.db
    .insert(staffNotifications)
    .values(
      userIds.map((userId) => ({ tenantId: job.tenantId, userId, conversationId: job.conversationId })),
    );
  // In order, one at a time: a digest is one email, and a user after another never races them.
  for (const userId of userIds) await sendDigest(deps, userId);
}

/** Sends the user's digest of what waits, unless their window is still open (then it is scheduled). */
export async function sendDigest(deps: DigestDeps, userId: string): Promise<void> {
  const { db } = deps;
  const [user] = await db
    .select({ email: users.email, tenantId: users.tenantId, prefs: notificationPreferences })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(and(eq(users.id, userId), eq(users.status, "active")));
  if (!user || user.prefs?.emailEnabled === false) return;
  const waiting = await db
    .select({
      id: conversations.id,
      channel: conversations.channel,
      preview: conversations.lastMessagePreview,
    })
    .from(staffNotifications)
    .innerJoin(conversations, eq(conversations.id, staffNotifications.conversationId))
    .where(
      and(
        eq(staffNotifications.userId, userId),
        isNull(staffNotifications.sentAt),
        notInArray(conversations.status, HANDLED),
      ),
    );
  if (waiting.length === 0) return;
  const digestMinutes = user.prefs?.digestMinutes ?? DEFAULT_PREFERENCES.digestMinutes;
  const last = user.prefs?.lastDigestAt ?? null;
  const opensAt = last === null ? 0 : last.getTime() + digestMinutes * deps.minuteMs;
  if (Date.now() < opensAt) {
    await deps.env.NOTIFICATION_QUEUE.send(
      { kind: "digest", userId },
      { delaySeconds: Math.ceil((opensAt - Date.now()) / 1000) },
    );
    return;
  }
  // Claims the window: of two digests racing, only one sends.
  const now = new Date();
  const [claimed] = await db
    .insert(notificationPreferences)
    .values({ userId, tenantId: user.tenantId, lastDigestAt: now })
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: { lastDigestAt: now },
      setWhere:
        last === null
          ? isNull(notificationPreferences.lastDigestAt)
          : eq(notificationPreferences.lastDigestAt, last),
    })
    .returning({ userId: notificationPreferences.userId });
  if (!claimed) return;
  await db
    .update(staffNotifications)
    .set({ sentAt: now })
    .where(and(eq(staffNotifications.userId, userId), isNull(staffNotifications.sentAt)));
  await deps.mailer.send(digestEmail(user.email, waiting, digestMinutes));
  log("info", "waiting digest sent", { userId, conversations: waiting.length });
}

function digestEmail(
  to: string,
  waiting: { id: string; channel: string; preview: string | null }[],
  digestMinutes: number,
) {
  const count = waiting.length;
  const lines = waiting.map(
    (c) => `- Conversation ${c.id} (${c.channel})${c.preview ? `: "${c.preview}"` : ""}`,
  );
  return {
    to,
    subject: `${count} conversation${count === 1 ? " is" : "s are"} waiting for a reply`,
    text: [
      "Nobody on your team is online, and these conversations wait for a person:",
      "",
      ...lines,
      "",
      `You get at most one of these emails every ${digestMinutes} minute${digestMinutes === 1 ? "" : "s"}; change it with PUT /api/me/notification-preferences.`,
    ].join("\n"),
  };
}
