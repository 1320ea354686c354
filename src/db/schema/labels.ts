import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "../columns";
import { conversations } from "./conversations";
import { tenants } from "./identity";

/** A tenant's labels for conversations (e.g. "billing", "#d93f0b"). */
export const labels = pgTable(
  "labels",
  {
    id: id(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    color: text().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("labels_tenant_name_key").on(t.tenantId, t.name)],
);

export const conversationLabels = pgTable(
  "conversation_labels",
  {
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    labelId: uuid()
      .notNull()
      .references(() => labels.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.labelId] }), index().on(t.labelId)],
);
