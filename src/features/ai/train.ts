import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { collections, documents } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { isUuid } from "../../lib/ids";
import { documentDeps } from "../documents/documents.routes";
import { reprocessDocument } from "../documents/documents.service";
import { loadAgent } from "./agents.service";

/** Queues every document of the agent's collections (all of the tenant's when it names none) again. */
export async function trainAgent(c: Context<AppEnv>, agentId: string): Promise<number> {
  const { db, principal } = c.var;
  const agent = await loadAgent(db, principal.tenantId, agentId);
  const scope = [eq(documents.tenantId, principal.tenantId)];
  if (agent.collections.length > 0) {
    const named = await db
      .select({ id: collections.id })
      .from(collections)
      .where(and(eq(collections.tenantId, principal.tenantId), inArray(collections.name, agent.collections)));
    const ids = [...named.map((row) => row.id), ...agent.collections];
    scope.push(inArray(documents.collectionId, ids.filter(isUuid)));
  }
  const rows = await db
    .select({ id: documents.id })
    .from(documents)
    .where(and(...scope));
  for (const row of rows) await reprocessDocument(documentDeps(c), principal.tenantId, row.id);
  return rows.length;
}
