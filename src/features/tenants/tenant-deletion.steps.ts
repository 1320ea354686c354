import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client";
import {
  agentActions,
  agents,
  aiSettings,
  aiUsage,
  apiKeys,
  cannedResponses,
  collections,
  contactIdentities,
  contacts,
  conversations,
  documentChunks,
  documents,
  labels,
  planSettings,
  refreshTokens,
  type TenantDeletionStep,
  tenants,
  users,
  widgetKeys,
} from "../../db/schema";
import type { Storage } from "../../providers/storage";
import { roomFor } from "../conversations/room-client";
import { inboxClient } from "../inbox/inbox-client";
import { tenantStoragePrefix } from "./tenant-deletion.jobs";

export interface DeletionDeps {
  db: Database;
  env: Env;
  storage: Storage;
  storagePrefix: string;
  /** Conversations per slice; rows and objects go 20 times that. */
  sliceSize: number;
}

/** What one slice did: the step to run next, and what it removed (added to the job's counts). */
export interface SliceOutcome {
  next: TenantDeletionStep;
  removed: Record<string, number>;
}

/**
 * The tenant's rows outside its conversations, children before parents (documents before their
 * collections, which they restrict). Messages, plans, chat sessions, feedback and read receipts go
 * with their conversations; invitation tokens with their users; anything else with the tenant row.
 */
const ownedRows = (tenantId: string): Array<[PgTable, SQL]> => [
  [documentChunks, eq(documentChunks.tenantId, tenantId)],
  [documents, eq(documents.tenantId, tenantId)],
  [collections, eq(collections.tenantId, tenantId)],
  [aiUsage, eq(aiUsage.tenantId, tenantId)],
  [agentActions, eq(agentActions.tenantId, tenantId)],
  [planSettings, eq(planSettings.tenantId, tenantId)],
  [aiSettings, eq(aiSettings.tenantId, tenantId)],
  [widgetKeys, eq(widgetKeys.tenantId, tenantId)],
  [contactIdentities, eq(contactIdentities.tenantId, tenantId)],
  [contacts, eq(contacts.tenantId, tenantId)],
  [labels, eq(labels.tenantId, tenantId)],
  [cannedResponses, eq(cannedResponses.tenantId, tenantId)],
  [agents, eq(agents.tenantId, tenantId)],
  [apiKeys, eq(apiKeys.tenantId, tenantId)],
  // By user (indexed), not by refresh_tokens.tenant_id (not indexed).
  [
    refreshTokens,
    inArray(
      refreshTokens.userId,
      sql`(select ${users.id} from ${users} where ${users.tenantId} = ${tenantId})`,
    ),
  ],
  [users, eq(users.tenantId, tenantId)],
];

/** Deletes at most `limit` rows of `table` matching `where`; how many it deleted. */
async function deleteSome(db: Database, table: PgTable, where: SQL, limit: number): Promise<number> {
  const result = await db.execute(
    sql`delete from ${table} where ctid in (select ctid from ${table} where ${where} limit ${limit})`,
  );
  return result.rowCount ?? 0;
}

/**
 * Runs one bounded slice of `step` for the tenant. Every step removes what is still there and asks
 * for nothing it did before, so a slice that crashed half-way is simply run again.
 */
export async function runDeletionSlice(
  deps: DeletionDeps,
  tenantId: string,
  step: TenantDeletionStep,
): Promise<SliceOutcome> {
  const { db, env, storage, sliceSize } = deps;
  switch (step) {
    case "conversations": {
      // The room first, then the row: a room whose row is gone would otherwise be unreachable.
      const rows = await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(eq(conversations.tenantId, tenantId))
        .limit(sliceSize);
      const ids = rows.map((row) => row.id);
      await Promise.all(ids.map((id) => roomFor(env, id).destroy()));
      if (ids.length > 0) await db.delete(conversations).where(inArray(conversations.id, ids));
      return {
        next: ids.length < sliceSize ? "rows" : "conversations",
        removed: { conversations: ids.length },
      };
    }
    case "rows": {
      let budget = sliceSize * 20;
      for (const [table, where] of ownedRows(tenantId)) {
        budget -= await deleteSome(db, table, where, budget);
        if (budget === 0) return { next: "rows", removed: { rows: sliceSize * 20 } };
      }
      return { next: "objects", removed: { rows: sliceSize * 20 - budget } };
    }
    case "objects": {
      const prefix = tenantStoragePrefix(deps.storagePrefix, tenantId);
      const { keys, truncated } = await storage.list(prefix, Math.min(1000, sliceSize * 20));
      await storage.delete(keys);
      const more = truncated && keys.length > 0;
      return { next: more ? "objects" : "inbox", removed: { objects: keys.length } };
    }
    case "inbox":
      await inboxClient(env, tenantId).destroy();
      return { next: "tenant", removed: { inbox: 1 } };
    case "tenant": {
      const deleted = await db.delete(tenants).where(eq(tenants.id, tenantId)).returning({ id: tenants.id });
      return { next: "done", removed: { tenant: deleted.length } };
    }
    case "done":
      return { next: "done", removed: {} };
  }
}
