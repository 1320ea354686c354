import type { contactIdentities } from "../../db/schema";
import { type ContactRow, USER_IDENTITY } from "./contact-identities";

type IdentityRow = Pick<typeof contactIdentities.$inferSelect, "type" | "ref">;

/** The public shape of a contact, with the identities that find it. */
export function contactView(row: ContactRow, identities: IdentityRow[]) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    externalUserId: identities.find((i) => i.type === USER_IDENTITY)?.ref ?? null,
    avatarUrl: row.avatarUrl,
    customAttributes: row.customAttributes,
    notes: row.notes,
    createdFrom: row.createdFrom,
    identities: identities.map(({ type, ref }) => ({ type, ref })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ContactView = ReturnType<typeof contactView>;
