import { pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { tenants } from "./identity";

/** A tenant's saved replies, used by short code, with `{{contact.name}}`-style placeholders. */
export const cannedResponses = pgTable(
  "canned_responses",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    shortCode: text().notNull(),
    text: text().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("canned_responses_tenant_code_key").on(t.tenantId, t.shortCode)],
);
