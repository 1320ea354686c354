import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { conversationLabels, conversations, labels } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { isUniqueViolation } from "../auth/auth.service";
import { inboxClient } from "../inbox/inbox-client";

export interface LabelDeps {
  db: Database;
  env: Env;
  tenantId: string;
}

type LabelRow = typeof labels.$inferSelect;

const labelView = (row: LabelRow) => ({
  id: row.id,
  name: row.name,
  color: row.color,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const nameTaken = (error: unknown) => {
  throw isUniqueViolation(error) ? new AppError("conflict", "A label with this name exists") : error;
};

export async function listLabels(db: Database, tenantId: string) {
  const rows = await db.select().from(labels).where(eq(labels.tenantId, tenantId)).orderBy(asc(labels.name));
  return rows.map(labelView);
}

export async function createLabel(db: Database, tenantId: string, input: { name: string; color: string }) {
  const [row] = await db
    .insert(labels)
    .values({ tenantId, ...input })
    .returning()
    .catch(nameTaken);
  if (!row) throw new Error("label insert returned nothing");
  return labelView(row);
}

export async function updateLabel(
  db: Database,
  tenantId: string,
  id: string,
  input: { name?: string; color?: string },
) {
  const [row] = await db
    .update(labels)
    .set(input)
    .where(and(eq(labels.id, id), eq(labels.tenantId, tenantId)))
    .returning()
    .catch(nameTaken);
  if (!row) throw notFound("Label");
  return labelView(row);
}

/** Deletes a label; the conversations that had it lose it. */
export async function deleteLabel(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .delete(labels)
    .where(and(eq(labels.id, id), eq(labels.tenantId, tenantId)))
    .returning({ id: labels.id });
  if (!row) throw notFound("Label");
}

/** The labels of each conversation, by conversation id. */
export async function labelsOf(db: Database, conversationIds: string[]) {
  const byConversation = new Map<string, { id: string; name: string; color: string }[]>();
  if (conversationIds.length === 0) return byConversation;
  const rows = await db
    .select({
      conversationId: conversationLabels.conversationId,
      id: labels.id,
      name: labels.name,
      color: labels.color,
    })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(inArray(conversationLabels.conversationId, conversationIds))
    .orderBy(asc(labels.name));
  for (const { conversationId, ...label } of rows)
    byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), label]);
  return byConversation;
}

/** Adds or removes a label on a conversation (both the tenant's) and tells the inbox; the labels now. */
export async function setConversationLabel(
  { db, env, tenantId }: LabelDeps,
  conversationId: string,
  labelId: string,
  on: boolean,
) {
  const [conversation] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)));
  if (!conversation) throw notFound("Conversation");
  const [label] = await db
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.id, labelId), eq(labels.tenantId, tenantId)));
  if (!label) throw notFound("Label");
  if (on) await db.insert(conversationLabels).values({ conversationId, labelId }).onConflictDoNothing();
  else
    await db
      .delete(conversationLabels)
      .where(
        and(eq(conversationLabels.conversationId, conversationId), eq(conversationLabels.labelId, labelId)),
      );
  const now = (await labelsOf(db, [conversationId])).get(conversationId) ?? [];
  await inboxClient(env, tenantId).publish({ type: "conversation.updated", conversationId, labels: now });
  return now;
}
