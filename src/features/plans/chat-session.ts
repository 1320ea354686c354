import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents, chatSessions } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { loadAgent } from "../ai/agents.service";
import type { RoomPost, Sender } from "../conversations/conversations.protocol";
import {
  createConversation,
  loadConversation,
  resumeConversation,
} from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { getPlanSettings } from "./plans.service";

export interface SessionDeps {
  db: Database;
  env: Env;
  tenantId: string;
}

export interface ChatSession {
  id: string;
  conversationId: string;
  agentId: string;
  created: boolean;
}

/** The agent a request talks to: named, the session's, the tenant's default, or its only enabled agent. */
async function chooseAgent(deps: SessionDeps, requested: string | undefined): Promise<string> {
  if (requested) return (await loadAgent(deps.db, deps.tenantId, requested)).id;
  const { defaultAgentId } = await getPlanSettings(deps.db, deps.tenantId);
  if (defaultAgentId) return defaultAgentId;
  const enabled = await deps.db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.tenantId, deps.tenantId), eq(agents.enabled, true)))
    .orderBy(asc(agents.createdAt))
    .limit(2);
  const [only] = enabled;
  if (enabled.length !== 1 || !only) {
    throw new AppError(
      "validation_failed",
      "agentId is required (or set defaultAgentId in /api/plans/settings)",
    );
  }
  return only.id;
}

/**
 * The session for `sessionId` (its conversation is reopened when it expired), or a new one with
 * its own conversation. The conversation has no agentId: replies come from this API, not the room's AI.
 */
export async function openSession(
  deps: SessionDeps,
  input: { sessionId?: string; agentId?: string; userId: string; customerUserId?: string },
): Promise<ChatSession> {
  if (input.sessionId) {
    const [row] = await deps.db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.tenantId, deps.tenantId), eq(chatSessions.id, input.sessionId)));
    if (row) {
      const conversation = await loadConversation(deps.db, deps.tenantId, row.conversationId);
      if (conversation.status === "resolved") {
        throw new AppError("conflict", "This session's conversation is resolved; start a new session");
      }
      if (conversation.status === "expired") await resumeConversation(deps, conversation.id);
      const agentId = input.agentId
        ? await chooseAgent(deps, input.agentId)
        : (row.agentId ?? (await chooseAgent(deps, undefined)));
      return { id: row.id, conversationId: row.conversationId, agentId, created: false };
    }
  }
  const agentId = await chooseAgent(deps, input.agentId);
  const id = input.sessionId ?? uuidv7();
  const conversation = await createConversation(deps, {
    visitorId: input.customerUserId ?? input.userId,
    ...(input.customerUserId ? { customerUserId: input.customerUserId } : {}),
    channel: "api",
    metadata: { source: "chat/completion", sessionId: id, userId: input.userId, agentId },
    idleTimeoutSeconds: 1800,
  });
  await deps.db
    .insert(chatSessions)
    .values({
      tenantId: deps.tenantId,
      id,
      conversationId: conversation.id,
      agentId,
      userId: input.userId,
      customerUserId: input.customerUserId ?? null,
    })
    .onConflictDoNothing();
  const [stored] = await deps.db
    .select()
    .from(chatSessions)
    .where(and(eq(chatSessions.tenantId, deps.tenantId), eq(chatSessions.id, id)));
  if (!stored) throw new Error("chat session insert returned nothing");
  return { id, conversationId: stored.conversationId, agentId: stored.agentId ?? agentId, created: true };
}

/** Posts a message to the session's conversation (through its room, like every message). */
export async function postToRoom(env: Env, conversationId: string, sender: Sender, post: RoomPost) {
  const result = await roomFor(env, conversationId).post(sender, post);
  if (!result.ok) throw new AppError(result.code, result.message);
  return result.message;
}
