import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { collections, documents } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { createStorage } from "../../lib/storage";
import { inboxPublisher } from "../documents/documents.events";
import { reprocessDocument } from "../documents/documents.service";
import { loadAgent } from "./agents.service";

/** Queues every document of the agent's collections (all of the tenant's when it names none) again. */
export async function trainAgent(c: Context<AppEnv>, agentId: string): Promise<number> {
  const { db, config, principal } = c.var;
  const agent = await loadAgent(db, principal.tenantId, agentId);
  const scope = [eq(documents.tenantId, principal.tenantId)];
  if (agent.collections.length > 0) {
    const named = await db
      .select({ id: collections.id })
      .from(collections)
      .where(and(eq(collections.tenantId, principal.tenantId), inArray(collections.name, agent.collections)));
    const ids = [...named.map((row) => row.id), ...agent.collections];
    scope.push(
      inArray(
        documents.collectionId,
        ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
      ),
    );
  }
  const rows = await db
    .select({ id: documents.id })
    .from(documents)
    .where(and(...scope));
  const deps = {
    db,
    storage: createStorage(config, c.env.DOCUMENTS_BUCKET),
    queue: c.env.DOCUMENT_QUEUE,
    publish: inboxPublisher(c.env),
    config,
  };
  for (const row of rows) await reprocessDocument(deps, principal.tenantId, row.id);
  return rows.length;
}
