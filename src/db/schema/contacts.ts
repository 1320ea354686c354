import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps, tsvector } from "../columns";
import { tenants } from "./identity";

export const contactSources = ["widget", "channel", "api"] as const;
export type ContactSource = (typeof contactSources)[number];

/** A person the tenant talks to. Their conversations point here (conversations.contact_id). */
export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text(),
    email: text(),
    phone: text(),
    avatarUrl: text(),
    customAttributes: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    notes: text(),
    createdFrom: text().$type<ContactSource>().notNull(),
    // Language-neutral ('simple'), with the phone's digits alone so "+44 20 7946" finds "442079…".
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`to_tsvector('simple', coalesce(${contacts.name}, '') || ' ' || coalesce(${contacts.email}, '') || ' ' || coalesce(${contacts.phone}, '') || ' ' || regexp_replace(coalesce(${contacts.phone}, ''), '[^0-9]', '', 'g'))`,
      ),
    ...timestamps,
  },
  (t) => [
    index().on(t.tenantId, t.createdAt),
    index("contacts_tenant_email_idx").on(t.tenantId, sql`lower(${t.email})`),
    index("contacts_search_idx").using("gin", t.searchVector),
  ],
);

/**
 * How a contact is recognised: the tenant's own user id (`user`, verified by the widget's HMAC or
 * set through the API), a widget visitor id (`visitor`), or a channel's id for the person
 * (`whatsapp` number, `messenger` PSID, `telegram` user id…). One identity belongs to one contact.
 */
export const contactIdentities = pgTable(
  "contact_identities",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    type: text().notNull(),
    ref: text().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("contact_identities_tenant_type_ref_key").on(t.tenantId, t.type, t.ref),
    index().on(t.contactId),
  ],
);
