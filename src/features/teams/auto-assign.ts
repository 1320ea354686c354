import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { teamMembers, teams, users } from "../../db/schema";
import { isUuid } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";
import { inboxClient } from "../inbox/inbox-client";

/** Conversations that count against a member's open-conversation limit. */
const OPEN = ["pending_human", "with_human"];
const CANDIDATES = 5;

/**
 * Round-robin within a conversation's team (when the team has it on): the online member (inbox or
 * room socket) under the team's open-conversation limit who was given one least recently. Null when
 * there is no such team or member. Never throws: routing helps, and must not fail a handoff.
 */
export async function autoAssignee(
  deps: { db: Database; env: Env },
  room: { tenantId: string; teamId?: string | null; conversationId?: string },
): Promise<string | null> {
  if (!room.teamId) return null;
  try {
    return await pick(deps, room.tenantId, room.teamId);
  } catch (error) {
    log("warn", "auto-assignment failed", {
      tenantId: room.tenantId,
      teamId: room.teamId,
      ...describeError(error),
    });
    return null;
  }
}

async function pick({ db, env }: { db: Database; env: Env }, tenantId: string, teamId: string) {
  const [team] = await db
    .select({ limit: teams.maxOpenPerAgent })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.tenantId, tenantId), eq(teams.autoAssign, true)));
  if (!team) return null;
  const online = (await inboxClient(env, tenantId).onlineStaff()).filter(isUuid);
  if (online.length === 0) return null;
  // Open counts come from Postgres, which trails the rooms by their flush delay (about half a second).
  const open = sql<number>`(select count(*)::int from conversations c
    where c.tenant_id = ${tenantId} and c.assignee_id = ${teamMembers.userId}
      and c.status in (${sql.join(
        OPEN.map((s) => sql`${s}`),
        sql`, `,
      )}))`;
  const candidates = await db
    .select({ userId: teamMembers.userId, lastAssignedAt: teamMembers.lastAssignedAt })
    .from(teamMembers)
    .innerJoin(users, and(eq(users.id, teamMembers.userId), eq(users.status, "active")))
    .where(
      and(
        eq(teamMembers.teamId, teamId),
        inArray(teamMembers.userId, online),
        team.limit === null ? undefined : sql`${open} < ${team.limit}`,
      ),
    )
    .orderBy(sql`${teamMembers.lastAssignedAt} asc nulls first`, asc(teamMembers.userId))
    .limit(CANDIDATES);
  for (const candidate of candidates) {
    // Taken only if nobody else was given this member meanwhile (two handoffs at once).
    const [taken] = await db
      .update(teamMembers)
      .set({ lastAssignedAt: new Date() })
      .where(
        and(
          eq(teamMembers.teamId, teamId),
          eq(teamMembers.userId, candidate.userId),
          candidate.lastAssignedAt === null
            ? isNull(teamMembers.lastAssignedAt)
            : eq(teamMembers.lastAssignedAt, candidate.lastAssignedAt),
        ),
      )
      .returning({ userId: teamMembers.userId });
    if (taken) return taken.userId;
  }
  return null;
}
