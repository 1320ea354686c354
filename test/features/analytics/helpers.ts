import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { vi } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { analyticsEvents } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { callJson, type TestTenant } from "../../support/api";
import { room } from "../../support/conversations";
import { isType, mustOpen, type WsClient } from "../../support/ws";

export type StoredEvent = typeof analyticsEvents.$inferSelect;

/** Copies the room's outbox to Postgres, then reads the conversation's analytics events in order. */
export async function eventsOf(conversationId: string): Promise<StoredEvent[]> {
  await room(conversationId).flushNow();
  const { db, close } = openDatabase(loadConfig(env));
  try {
    return await db
      .select()
      .from(analyticsEvents)
      .where(eq(analyticsEvents.conversationId, conversationId))
      .orderBy(asc(analyticsEvents.at), asc(analyticsEvents.key));
  } finally {
    await close();
  }
}

export const named = (events: StoredEvent[], name: string) => events.filter((e) => e.name === name);

/** Freezes the clock (Worker, rooms and tokens alike) at `iso`; the room records facts at these instants. */
export function clockAt(iso: string | number): number {
  vi.useFakeTimers({ toFake: ["Date"] });
  const at = typeof iso === "number" ? iso : Date.parse(iso);
  vi.setSystemTime(at);
  return at;
}

export const MIN = 60_000;

/** Signs the tenant's admin in again (after the frozen clock moved past the access token's life). */
export async function signInAgain(tenant: TestTenant): Promise<TestTenant> {
  const session = await callJson<{ accessToken: string }>(
    "/api/auth/login",
    { json: { email: tenant.email, password: tenant.password }, ip: tenant.ip },
    200,
  );
  return { ...tenant, accessToken: session.accessToken };
}

export interface Visitor {
  socket: WsClient;
  conversationId: string;
  visitorToken: string;
  widgetKey: string;
  ticket: string;
}

const ORIGIN = "https://shop.example.test";

/** A visitor on a page with the tenant's widget (answered by `agentId`, or by people only), connected. */
export async function visitor(tenant: TestTenant, agentId?: string): Promise<Visitor> {
  const key = await callJson<{ publicKey: string }>(
    "/api/widget-keys",
    {
      token: tenant.accessToken,
      json: { name: "site", allowedOrigins: [ORIGIN], ...(agentId ? { agentId } : {}) },
    },
    201,
  );
  return session(key.publicKey);
}

/** The widget session again (the page reloaded): resumes an expired chat, joins with a fresh ticket. */
export async function session(widgetKey: string, previous?: Visitor): Promise<Visitor> {
  const body = previous
    ? { widgetKey, visitorToken: previous.visitorToken, conversationId: previous.conversationId }
    : { widgetKey };
  const started = await callJson<{
    conversation: { id: string };
    visitorToken: string;
    ticket: { url: string; ticket: string };
  }>("/api/widget/sessions", { json: body, headers: { Origin: ORIGIN } }, 200);
  const socket = await mustOpen(started.ticket.url);
  await socket.next(isType("ready"));
  return {
    socket,
    conversationId: started.conversation.id,
    visitorToken: started.visitorToken,
    widgetKey,
    ticket: started.ticket.ticket,
  };
}

/** The visitor says something and waits for its ack. */
export async function say(chat: Visitor, text: string): Promise<void> {
  const clientId = crypto.randomUUID();
  chat.socket.send({ type: "message", clientId, text });
  await chat.socket.next((f) => f.type === "ack" && f.clientId === clientId);
}

/** A staff reply over REST. */
export async function staffReply(tenant: { accessToken: string }, conversationId: string, text: string) {
  await callJson(
    `/api/conversations/${conversationId}/messages`,
    { token: tenant.accessToken, json: { text } },
    201,
  );
}
