import { and, desc, eq, ilike, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { contactIdentities, contacts, conversations } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import type { JsonObject } from "../../lib/json";
import { isUniqueViolation } from "../auth/auth.service";
import { deleteConversation } from "../conversations/conversations.service";
import { inboxClient } from "../inbox/inbox-client";
import { announceContact } from "./contact-events";
import { type ContactRow, USER_IDENTITY, VISITOR_IDENTITY } from "./contact-identities";
import { contactView } from "./contacts.views";

export interface ContactDeps {
  db: Database;
  env: Env;
  tenantId: string;
}

interface ContactFields {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  externalUserId?: string | null;
  avatarUrl?: string | null;
  customAttributes?: JsonObject;
  notes?: string | null;
}

async function identitiesOf(db: Database, contactIds: string[]) {
  if (contactIds.length === 0) return [];
  return db
    .select({
      contactId: contactIdentities.contactId,
      type: contactIdentities.type,
      ref: contactIdentities.ref,
    })
    .from(contactIdentities)
    .where(inArray(contactIdentities.contactId, contactIds))
    .orderBy(contactIdentities.createdAt);
}

async function viewOf(db: Database, row: ContactRow) {
  return contactView(row, await identitiesOf(db, [row.id]));
}

/** A contact of the tenant; another tenant's (or none) is a 404. */
export async function loadContact(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId)));
  if (!row) throw notFound("Contact");
  return row;
}

export async function getContact(db: Database, tenantId: string, id: string) {
  return viewOf(db, await loadContact(db, tenantId, id));
}

const takenUserId = () => new AppError("conflict", "Another contact has this externalUserId");

/** Sets (or with null removes) the contact's `user` identity: one contact per external user id. */
async function setExternalUserId(
  db: Pick<Database, "insert" | "delete">,
  tenantId: string,
  contactId: string,
  ref: string | null,
) {
  await db
    .delete(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.type, USER_IDENTITY)));
  if (ref === null) return;
  await db
    .insert(contactIdentities)
    .values({ tenantId, contactId, type: USER_IDENTITY, ref })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? takenUserId() : error;
    });
}

export async function createContact({ db, env, tenantId }: ContactDeps, input: ContactFields) {
  const { externalUserId, ...fields } = input;
  const row = await db.transaction(async (tx) => {
    const [contact] = await tx
      .insert(contacts)
      .values({ tenantId, ...fields, createdFrom: "api" })
      .returning();
    if (!contact) throw new Error("contact insert returned nothing");
    if (externalUserId) await setExternalUserId(tx, tenantId, contact.id, externalUserId);
    return contact;
  });
  const view = await announceContact(env, db, row);
  await inboxClient(env, tenantId).publish({ type: "contact.updated", contact: view });
  return view;
}

export async function updateContact({ db, env, tenantId }: ContactDeps, id: string, input: ContactFields) {
  const { externalUserId, ...fields } = input;
  await loadContact(db, tenantId, id);
  // One transaction: a taken externalUserId (409) leaves the contact as it was.
  const row = await db.transaction(async (tx) => {
    if (externalUserId !== undefined) await setExternalUserId(tx, tenantId, id, externalUserId);
    const [updated] = await tx
      .update(contacts)
      .set({ ...fields, updatedAt: new Date() })
      .where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId)))
      .returning();
    return updated;
  });
  if (!row) throw notFound("Contact");
  const view = await viewOf(db, row);
  await inboxClient(env, tenantId).publish({ type: "contact.updated", contact: view });
  return view;
}

/** Newest first; `q` matches part of a name, email or phone (digits compared alone). */
export async function listContacts(
  db: Database,
  tenantId: string,
  query: { q?: string; cursor?: string; limit: number },
) {
  const conditions: (SQL | undefined)[] = [eq(contacts.tenantId, tenantId)];
  if (query.cursor) conditions.push(lt(contacts.id, query.cursor));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const digits = query.q.replace(/[^0-9]/g, "");
    conditions.push(
      or(
        ilike(contacts.name, like),
        ilike(contacts.email, like),
        ilike(contacts.phone, like),
        digits.length >= 3
          ? sql`regexp_replace(coalesce(${contacts.phone}, ''), '[^0-9]', '', 'g') like ${`%${digits}%`}`
          : undefined,
      ),
    );
  }
  const rows = await db
    .select()
    .from(contacts)
    .where(and(...conditions))
    .orderBy(desc(contacts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const identities = await identitiesOf(
    db,
    page.map((r) => r.id),
  );
  return {
    data: page.map((row) =>
      contactView(
        row,
        identities.filter((i) => i.contactId === row.id),
      ),
    ),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * Merges `duplicateId` into `id`: its conversations and identities move, the fields `id` lacks are
 * taken from it (custom attributes: `id`'s win), its notes are appended, and it is removed.
 */
export async function mergeContacts({ db, env, tenantId }: ContactDeps, id: string, duplicateId: string) {
  if (id === duplicateId) throw new AppError("validation_failed", "A contact cannot be merged into itself");
  const keep = await loadContact(db, tenantId, id);
  const other = await loadContact(db, tenantId, duplicateId);
  const moved = await db.transaction(async (tx) => {
    const movedConversations = await tx
      .update(conversations)
      .set({ contactId: keep.id })
      .where(and(eq(conversations.tenantId, tenantId), eq(conversations.contactId, other.id)))
      .returning({ id: conversations.id });
    await tx
      .update(contactIdentities)
      .set({ contactId: keep.id })
      .where(eq(contactIdentities.contactId, other.id));
    await tx
      .update(contacts)
      .set({
        name: keep.name ?? other.name,
        email: keep.email ?? other.email,
        phone: keep.phone ?? other.phone,
        avatarUrl: keep.avatarUrl ?? other.avatarUrl,
        customAttributes: { ...other.customAttributes, ...keep.customAttributes },
        notes: [keep.notes, other.notes].filter(Boolean).join("\n\n") || null,
        updatedAt: new Date(),
      })
      .where(eq(contacts.id, keep.id));
    await tx.delete(contacts).where(eq(contacts.id, other.id));
    return movedConversations.length;
  });
  const view = await getContact(db, tenantId, id);
  const inbox = inboxClient(env, tenantId);
  await inbox.publish({ type: "contact.deleted", contactId: other.id, mergedInto: keep.id });
  await inbox.publish({ type: "contact.updated", contact: view });
  return { contact: view, movedConversations: moved };
}

/**
 * Erases a contact as a data-protection request asks: each of their conversations everywhere (its
 * room's storage and sockets, its Postgres rows with messages, receipts, plans, feedback, labels and
 * whatever else goes with a conversation), then the contact and its identities. Conversations that
 * predate the contact but carry one of its identities (visitor id, user id) go too.
 */
export async function eraseContact(deps: ContactDeps, id: string) {
  const { db, env, tenantId } = deps;
  await loadContact(db, tenantId, id);
  const identities = await identitiesOf(db, [id]);
  const refs = (type: string) => identities.filter((i) => i.type === type).map((i) => i.ref);
  const visitorIds = refs(VISITOR_IDENTITY);
  const userIds = refs(USER_IDENTITY);
  const owned = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        or(
          eq(conversations.contactId, id),
          visitorIds.length > 0 ? inArray(conversations.visitorId, visitorIds) : undefined,
          userIds.length > 0 ? inArray(conversations.customerUserId, userIds) : undefined,
        ),
      ),
    );
  // One at a time: each is its room first, then its rows (a room whose row is gone is unreachable).
  for (const { id: conversationId } of owned) await deleteConversation(deps, conversationId);
  await db.delete(contacts).where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId)));
  await inboxClient(env, tenantId).publish({ type: "contact.deleted", contactId: id });
  return { conversations: owned.length };
}
