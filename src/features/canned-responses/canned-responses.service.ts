import { and, asc, eq, like, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { cannedResponses, contacts, users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { isUniqueViolation } from "../auth/auth.service";
import { renderPlaceholders } from "./placeholders";

type Row = typeof cannedResponses.$inferSelect;

const view = (row: Row) => ({
  id: row.id,
  shortCode: row.shortCode,
  text: row.text,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const codeTaken = (error: unknown) => {
  throw isUniqueViolation(error)
    ? new AppError("conflict", "A canned response with this short code exists")
    : error;
};

const scoped = (tenantId: string, id: string) =>
  and(eq(cannedResponses.id, id), eq(cannedResponses.tenantId, tenantId));

export async function listCannedResponses(db: Database, tenantId: string, q?: string) {
  const conditions: (SQL | undefined)[] = [
    eq(cannedResponses.tenantId, tenantId),
    q ? like(cannedResponses.shortCode, `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
  ];
  const rows = await db
    .select()
    .from(cannedResponses)
    .where(and(...conditions))
    .orderBy(asc(cannedResponses.shortCode));
  return rows.map(view);
}

export async function getCannedResponse(db: Database, tenantId: string, id: string) {
  const [row] = await db.select().from(cannedResponses).where(scoped(tenantId, id));
  if (!row) throw notFound("Canned response");
  return view(row);
}

export async function createCannedResponse(
  db: Database,
  tenantId: string,
  input: { shortCode: string; text: string },
) {
  const [row] = await db
    .insert(cannedResponses)
    .values({ tenantId, ...input })
    .returning()
    .catch(codeTaken);
  if (!row) throw new Error("canned response insert returned nothing");
  return view(row);
}

export async function updateCannedResponse(
  db: Database,
  tenantId: string,
  id: string,
  input: { shortCode?: string; text?: string },
) {
  const [row] = await db
    .update(cannedResponses)
    .set(input)
    .where(scoped(tenantId, id))
    .returning()
    .catch(codeTaken);
  if (!row) throw notFound("Canned response");
  return view(row);
}

export async function deleteCannedResponse(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .delete(cannedResponses)
    .where(scoped(tenantId, id))
    .returning({ id: cannedResponses.id });
  if (!row) throw notFound("Canned response");
}

/**
 * A canned response's text for one conversation, rendered on the server: the conversation's contact,
 * the sending staff user (an API key has no name: empty), the conversation's id.
 */
export async function renderCannedResponse(
  db: Database,
  input: {
    tenantId: string;
    id: string;
    conversation: { id: string; contactId: string | null };
    userId: string | null;
  },
) {
  const canned = await getCannedResponse(db, input.tenantId, input.id);
  const [contact] = input.conversation.contactId
    ? await db
        .select({ name: contacts.name, email: contacts.email })
        .from(contacts)
        .where(and(eq(contacts.id, input.conversation.contactId), eq(contacts.tenantId, input.tenantId)))
    : [];
  const [agent] = input.userId
    ? await db
        .select({ name: users.name })
        .from(users)
        .where(and(eq(users.id, input.userId), eq(users.tenantId, input.tenantId)))
    : [];
  return renderPlaceholders(canned.text, {
    "contact.name": contact?.name ?? null,
    "contact.email": contact?.email ?? null,
    "agent.name": agent?.name ?? null,
    "conversation.id": input.conversation.id,
  });
}
