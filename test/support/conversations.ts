import { env } from "cloudflare:workers";
import { callJson, type TestTenant } from "./api";
import { mustOpen } from "./ws";

export interface Conversation {
  id: string;
  status: string;
  lastSeq: number;
  messageCount: number;
  assigneeId: string | null;
  contactId: string | null;
}

export async function createConversation(
  tenant: { accessToken: string },
  body: Record<string, unknown> = {},
) {
  return callJson<Conversation>("/api/conversations", { token: tenant.accessToken, json: body }, 201);
}

export async function staffTicket(tenant: { accessToken: string }, conversationId: string) {
  return callJson<{ ticket: string; url: string; lastSeq: number }>(
    `/api/conversations/${conversationId}/ticket`,
    { token: tenant.accessToken, method: "POST" },
    200,
  );
}

/** Joins a conversation's room as the tenant's staff user and waits for `ready`. */
export async function joinAsStaff(
  tenant: TestTenant | { accessToken: string },
  conversationId: string,
  after = 0,
) {
  const { url } = await staffTicket(tenant, conversationId);
  const client = await mustOpen(`${url}&after=${after}`);
  await client.next((f) => f.type === "ready");
  return client;
}

/** The conversation's room (Durable Object) stub, for calling it or running its alarm in tests. */
export const room = (id: string) => env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(id));
