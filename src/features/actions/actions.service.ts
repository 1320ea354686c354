import { and, asc, eq, ne } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ActionOperation, agentActions } from "../../db/schema";
import type { Config } from "../../env";
import { AppError, notFound } from "../../lib/errors";
import { requireChanges } from "../../lib/route-helpers";
import { open, seal } from "../../lib/secret-box";
import { assertOutboundUrl } from "../../providers/outbound";
import { loadAgent } from "../ai/agents.service";
import { checkOperationSchema } from "./operations";

type ActionRow = typeof agentActions.$inferSelect;

export interface ActionInput {
  name: string;
  description?: string;
  baseUrl: string;
  token?: string | null;
  timeoutSeconds?: number;
  operations: ActionOperation[];
}

interface Deps {
  db: Database;
  config: Config;
  tenantId: string;
}

/** The public shape of an action: whether a token is set, never the token. */
export function actionView(row: ActionRow) {
  return {
    id: row.id,
    agentId: row.agentId,
    name: row.name,
    description: row.description,
    baseUrl: row.baseUrl,
    tokenSet: row.tokenEncrypted !== null,
    timeoutSeconds: row.timeoutSeconds,
    operations: row.operations,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Refuses operations whose path placeholders and path parameters disagree, or whose schema is unusable. */
function checkOperations(operations: ActionOperation[]): void {
  const problems: { path: string; message: string }[] = [];
  const names = new Set<string>();
  operations.forEach((op, i) => {
    if (names.has(op.name))
      problems.push({ path: `operations.${i}.name`, message: `${op.name} is declared twice` });
    names.add(op.name);
    const placeholders = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathParams = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
    for (const name of placeholders) {
      if (!name || !pathParams.includes(name))
        problems.push({ path: `operations.${i}.path`, message: `{${name}} has no path parameter` });
    }
    for (const name of pathParams) {
      if (!placeholders.includes(name))
        problems.push({
          path: `operations.${i}.parameters`,
          message: `path parameter ${name} is not in the path`,
        });
    }
    const schemaProblem = checkOperationSchema(op);
    if (schemaProblem) problems.push({ path: `operations.${i}`, message: schemaProblem });
  });
  if (problems.length > 0) throw new AppError("validation_failed", "Invalid operations", problems);
}

/** Operation names are the planner's tool names, so they must be unique across an agent's actions. */
async function checkUniqueNames(deps: Deps, agentId: string, input: Partial<ActionInput>, exceptId?: string) {
  const others = await deps.db
    .select({ name: agentActions.name, operations: agentActions.operations })
    .from(agentActions)
    .where(
      and(
        eq(agentActions.tenantId, deps.tenantId),
        eq(agentActions.agentId, agentId),
        exceptId ? ne(agentActions.id, exceptId) : undefined,
      ),
    );
  if (input.name && others.some((other) => other.name === input.name)) {
    throw new AppError("conflict", `The agent already has an action named ${input.name}`);
  }
  const taken = new Set(others.flatMap((other) => other.operations.map((op) => op.name)));
  const clash = (input.operations ?? []).find((op) => taken.has(op.name));
  if (clash)
    throw new AppError(
      "conflict",
      `Another action of this agent already has an operation named ${clash.name}`,
    );
}

/** One action of the agent (in the caller's tenant); others are a 404. */
export async function loadAction(deps: Deps, agentId: string, id: string): Promise<ActionRow> {
  const [row] = await deps.db
    .select()
    .from(agentActions)
    .where(
      and(
        eq(agentActions.id, id),
        eq(agentActions.agentId, agentId),
        eq(agentActions.tenantId, deps.tenantId),
      ),
    );
  if (!row) throw notFound("Action");
  return row;
}

/** All actions of an agent (of the caller's tenant). */
export async function listActions(deps: Pick<Deps, "db" | "tenantId">, agentId: string) {
  return deps.db
    .select()
    .from(agentActions)
    .where(and(eq(agentActions.tenantId, deps.tenantId), eq(agentActions.agentId, agentId)))
    .orderBy(asc(agentActions.createdAt));
}

/** Registers an API for the agent (its base URL checked against the outbound rules, its token sealed). */
export async function createAction(deps: Deps, agentId: string, input: ActionInput) {
  await loadAgent(deps.db, deps.tenantId, agentId);
  assertOutboundUrl(input.baseUrl, deps.config.ALLOW_PRIVATE_OUTBOUND, "baseUrl");
  checkOperations(input.operations);
  await checkUniqueNames(deps, agentId, input);
  const { token, ...rest } = input;
  const [row] = await deps.db
    .insert(agentActions)
    .values({
      ...rest,
      tenantId: deps.tenantId,
      agentId,
      tokenEncrypted: token ? await seal(token, deps.config.ENCRYPTION_KEY) : null,
    })
    .returning();
  if (!row) throw new Error("action insert returned nothing");
  return actionView(row);
}

/** Changes an action; a token of null removes it, an absent one keeps it. */
export async function updateAction(deps: Deps, agentId: string, id: string, input: Partial<ActionInput>) {
  await loadAction(deps, agentId, id);
  requireChanges(input);
  if (input.baseUrl) assertOutboundUrl(input.baseUrl, deps.config.ALLOW_PRIVATE_OUTBOUND, "baseUrl");
  if (input.operations) checkOperations(input.operations);
  await checkUniqueNames(deps, agentId, input, id);
  const { token, ...rest } = input;
  const values = {
    ...rest,
    ...(token === undefined
      ? {}
      : { tokenEncrypted: token === null ? null : await seal(token, deps.config.ENCRYPTION_KEY) }),
  };
  const [row] = await deps.db
    .update(agentActions)
    .set(values)
    .where(and(eq(agentActions.id, id), eq(agentActions.tenantId, deps.tenantId)))
    .returning();
  if (!row) throw notFound("Action");
  return actionView(row);
}

/** Creates the action, or replaces the operations of the agent's action of that name (re-import). */
export async function upsertAction(deps: Deps, agentId: string, input: ActionInput) {
  await loadAgent(deps.db, deps.tenantId, agentId);
  const [existing] = await deps.db
    .select({ id: agentActions.id })
    .from(agentActions)
    .where(
      and(
        eq(agentActions.tenantId, deps.tenantId),
        eq(agentActions.agentId, agentId),
        eq(agentActions.name, input.name),
      ),
    );
  return existing
    ? { created: false, action: await updateAction(deps, agentId, existing.id, input) }
    : { created: true, action: await createAction(deps, agentId, input) };
}

/** Deletes an action (plans proposed with it fail at its steps). */
export async function deleteAction(deps: Deps, agentId: string, id: string) {
  const deleted = await deps.db
    .delete(agentActions)
    .where(
      and(
        eq(agentActions.id, id),
        eq(agentActions.agentId, agentId),
        eq(agentActions.tenantId, deps.tenantId),
      ),
    )
    .returning({ id: agentActions.id });
  if (deleted.length === 0) throw notFound("Action");
}

/** The action's stored token as an Authorization value, or null. */
export async function storedAuthorization(row: ActionRow, encryptionKey: string): Promise<string | null> {
  return row.tokenEncrypted ? `Bearer ${await open(row.tokenEncrypted, encryptionKey)}` : null;
}
