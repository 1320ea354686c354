import { and, eq, TransactionRollbackError } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ContactSource, contactIdentities, contacts } from "../../db/schema";

/** How a contact is recognised: `user`, `visitor`, or a channel's kind (`whatsapp`, `telegram`…). */
export interface IdentityRef {
  type: string;
  ref: string;
}

/** The tenant's own user id for a person (verified widget identity, or `externalUserId` via the API). */
export const USER_IDENTITY = "user";
/** A widget visitor (the id in their visitor token). */
export const VISITOR_IDENTITY = "visitor";

export type ContactRow = typeof contacts.$inferSelect;

/** The contact that holds this identity in the tenant, if any. */
export async function contactByIdentity(db: Database, tenantId: string, identity: IdentityRef) {
  const [row] = await db
    .select({ contact: contacts })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(
      and(
        eq(contactIdentities.tenantId, tenantId),
        eq(contactIdentities.type, identity.type),
        eq(contactIdentities.ref, identity.ref),
      ),
    );
  return row?.contact ?? null;
}

/**
 * The contact of an identity (a WhatsApp number, a Telegram user, a verified widget user id, a
 * visitor id), created with the given profile if nobody holds it yet. Safe under concurrency: two
 * first messages at once end with one contact (the identity is unique per tenant).
 */
export async function findOrCreateContact(
  db: Database,
  tenantId: string,
  input: IdentityRef & { name?: string; email?: string; phone?: string; createdFrom?: ContactSource },
): Promise<{ contact: ContactRow; created: boolean }> {
  const identity = { type: input.type, ref: input.ref };
  const existing = await contactByIdentity(db, tenantId, identity);
  if (existing) return { contact: existing, created: false };
  const createdFrom =
    input.createdFrom ??
    (identity.type === VISITOR_IDENTITY || identity.type === USER_IDENTITY ? "widget" : "channel");
  const created = await db
    .transaction(async (tx) => {
      const [contact] = await tx
        .insert(contacts)
        .values({
          tenantId,
          name: input.name ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          createdFrom,
        })
        .returning();
      if (!contact) throw new Error("contact insert returned nothing");
      const [linked] = await tx
        .insert(contactIdentities)
        .values({ tenantId, contactId: contact.id, ...identity })
        .onConflictDoNothing()
        .returning({ id: contactIdentities.id });
      // Someone else created it first: undo ours (the rollback) and take theirs.
      if (!linked) tx.rollback();
      return contact;
    })
    .catch((error: unknown) => {
      if (error instanceof TransactionRollbackError) return null;
      throw error;
    });
  if (created) return { contact: created, created: true };
  const winner = await contactByIdentity(db, tenantId, identity);
  if (!winner) throw new Error("contact identity vanished during creation");
  return { contact: winner, created: false };
}

/** Adds an identity to a contact unless another contact already holds it; whether it is now theirs. */
export async function linkIdentity(db: Database, tenantId: string, contactId: string, identity: IdentityRef) {
  await db
    .insert(contactIdentities)
    .values({ tenantId, contactId, ...identity })
    .onConflictDoNothing();
  return (await contactByIdentity(db, tenantId, identity))?.id === contactId;
}
