import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { teamMembers, teams, users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";

type TeamRow = typeof teams.$inferSelect;

/** A team of the tenant; another tenant's (or none) is a 404. */
export async function loadTeam(db: Database, tenantId: string, id: string): Promise<TeamRow> {
  const [row] = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), eq(teams.tenantId, tenantId)));
  if (!row) throw notFound("Team");
  return row;
}

/** Refuses ids that are not users of the tenant (400). */
async function assertUsers(db: Database, tenantId: string, ids: string[]) {
  if (ids.length === 0) return;
  const found = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids)));
  if (found.length !== new Set(ids).size)
    throw new AppError("validation_failed", "Every member must be a user of this tenant");
}

async function views(db: Database, rows: TeamRow[]) {
  const members =
    rows.length === 0
      ? []
      : await db
          .select({ teamId: teamMembers.teamId, userId: users.id, name: users.name, email: users.email })
          .from(teamMembers)
          .innerJoin(users, eq(users.id, teamMembers.userId))
          .where(
            inArray(
              teamMembers.teamId,
              rows.map((row) => row.id),
            ),
          )
          .orderBy(asc(users.name), asc(users.id));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    autoAssign: row.autoAssign,
    maxOpenPerAgent: row.maxOpenPerAgent,
    members: members
      .filter((m) => m.teamId === row.id)
      .map(({ userId, name, email }) => ({ userId, name, email })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

const one = async (db: Database, row: TeamRow) => {
  const [view] = await views(db, [row]);
  if (!view) throw new Error("team view missing");
  return view;
};

export async function createTeam(
  db: Database,
  tenantId: string,
  input: { name: string; autoAssign: boolean; maxOpenPerAgent: number | null; memberIds: string[] },
) {
  await assertUsers(db, tenantId, input.memberIds);
  const { memberIds, ...fields } = input;
  const row = await db.transaction(async (tx) => {
    const [team] = await tx
      .insert(teams)
      .values({ tenantId, ...fields })
      .returning();
    if (!team) throw new Error("team insert returned nothing");
    if (memberIds.length > 0)
      await tx
        .insert(teamMembers)
        .values([...new Set(memberIds)].map((userId) => ({ teamId: team.id, userId })));
    return team;
  });
  return one(db, row);
}

export async function listTeams(db: Database, tenantId: string) {
  const rows = await db.select().from(teams).where(eq(teams.tenantId, tenantId)).orderBy(asc(teams.name));
  return views(db, rows);
}

export async function getTeam(db: Database, tenantId: string, id: string) {
  return one(db, await loadTeam(db, tenantId, id));
}

export async function updateTeam(
  db: Database,
  tenantId: string,
  id: string,
  input: { name?: string; autoAssign?: boolean; maxOpenPerAgent?: number | null },
) {
  await loadTeam(db, tenantId, id);
  const [row] = await db
    .update(teams)
    .set(input)
    .where(and(eq(teams.id, id), eq(teams.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Team");
  return one(db, row);
}

/** Deletes the team; its conversations keep their assignee and lose the team. */
export async function deleteTeam(db: Database, tenantId: string, id: string) {
  await loadTeam(db, tenantId, id);
  await db.delete(teams).where(and(eq(teams.id, id), eq(teams.tenantId, tenantId)));
}

export async function addMember(db: Database, tenantId: string, id: string, userId: string) {
  const team = await loadTeam(db, tenantId, id);
  await assertUsers(db, tenantId, [userId]);
  await db.insert(teamMembers).values({ teamId: id, userId }).onConflictDoNothing();
  return one(db, team);
}

export async function removeMember(db: Database, tenantId: string, id: string, userId: string) {
  const team = await loadTeam(db, tenantId, id);
  const removed = await db
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, id), eq(teamMembers.userId, userId)))
    .returning({ userId: teamMembers.userId });
  if (removed.length === 0) throw notFound("Member");
  return one(db, team);
}
