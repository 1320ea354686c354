import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { contactIdentities } from "../../db/schema";
import { emitWebhookEvent } from "../webhooks/emit";
import type { ContactRow } from "./contact-identities";
import { contactView } from "./contacts.views";

/** The one announcement of a new contact (from the API, the widget or a channel): `contact.created`. */
export async function announceContact(env: Env, db: Database, row: ContactRow) {
  const identities = await db
    .select({ type: contactIdentities.type, ref: contactIdentities.ref })
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, row.id))
    .orderBy(contactIdentities.createdAt);
  const contact = contactView(row, identities);
  await emitWebhookEvent(env, row.tenantId, "contact.created", { contact });
  return contact;
}
