import { and, desc, eq, isNull, ne } from "drizzle-orm";
import type { Database } from "../../db/client";
import { conversations, type WidgetSettings, widgetKeys } from "../../db/schema";
import { constantTimeEqual, randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { loadAgent } from "../ai/agents.service";
import { describeHours, isOpen } from "../ai/handoff";
import {
  createConversation,
  loadConversation,
  resumeConversation,
} from "../conversations/conversations.service";
import { conversationView } from "../conversations/conversations.views";
import { issueConversationTicket } from "../conversations/tickets.service";
import { inboxClient } from "../inbox/inbox-client";
import { originAllowed } from "./origins";
import { signVisitorToken, verifyVisitorToken } from "./visitor-token";

type WidgetKeyRow = typeof widgetKeys.$inferSelect;

function widgetKeyView({
  identitySecret: _secret,
  tenantId: _tenant,
  updatedAt: _updated,
  ...row
}: WidgetKeyRow) {
  return { ...row, revokedAt: row.revokedAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString() };
}

/** Creates a key; its agent must be one of the tenant's (another tenant's is "not found"). */
export async function createWidgetKey(
  db: Database,
  tenantId: string,
  input: { name: string; allowedOrigins: string[]; agentId?: string; settings?: WidgetSettings },
) {
  if (input.agentId) await loadAgent(db, tenantId, input.agentId);
  const identitySecret = randomToken(32);
  const [row] = await db
    .insert(widgetKeys)
    .values({ tenantId, ...input, publicKey: `wk_${randomToken(18)}`, identitySecret })
    .returning();
  if (!row) throw new Error("widget key insert returned nothing");
  return { ...widgetKeyView(row), identitySecret };
}

export async function listWidgetKeys(db: Database, tenantId: string) {
  const rows = await db
    .select()
    .from(widgetKeys)
    .where(eq(widgetKeys.tenantId, tenantId))
    .orderBy(desc(widgetKeys.createdAt));
  return rows.map(widgetKeyView);
}

/** Changes a key's name, origins or agent in place: the embedded snippet keeps working. */
export async function updateWidgetKey(
  db: Database,
  tenantId: string,
  id: string,
  input: { name?: string; allowedOrigins?: string[]; agentId?: string | null; settings?: WidgetSettings },
) {
  const [current] = await db
    .select({ revokedAt: widgetKeys.revokedAt })
    .from(widgetKeys)
    .where(and(eq(widgetKeys.id, id), eq(widgetKeys.tenantId, tenantId)));
  if (!current) throw notFound("Widget key");
  if (current.revokedAt) throw new AppError("conflict", "This widget key is revoked; create a new one");
  if (input.agentId) await loadAgent(db, tenantId, input.agentId);
  const [row] = await db
    .update(widgetKeys)
    .set(input)
    .where(and(eq(widgetKeys.id, id), eq(widgetKeys.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Widget key");
  return widgetKeyView(row);
}

export async function revokeWidgetKey(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .update(widgetKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(widgetKeys.id, id), eq(widgetKeys.tenantId, tenantId), isNull(widgetKeys.revokedAt)))
    .returning({ id: widgetKeys.id });
  if (!row) throw notFound("Widget key");
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return [...new Uint8Array(signature)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

interface SessionInput {
  widgetKey: string;
  visitorToken?: string;
  conversationId?: string;
  start?: boolean;
  visitor?: { name?: string; email?: string; userId?: string; userHash?: string };
}

/**
 * Starts or resumes a visitor's chat from a page embedding the widget: checks the key and the page's
 * Origin, keeps the visitor (token) and their open conversation, and returns a fresh ticket.
 */
export async function startWidgetSession(
  deps: { db: Database; env: Env; secret: string },
  origin: string | undefined,
  input: SessionInput,
) {
  const { db, env, secret } = deps;
  const key = await embeddableKey(db, input.widgetKey, origin);

  let customerUserId: string | null = null;
  if (input.visitor?.userId) {
    const expected = await hmacHex(key.identitySecret, input.visitor.userId);
    const given = new TextEncoder().encode(input.visitor.userHash ?? "");
    if (!constantTimeEqual(new TextEncoder().encode(expected), given)) {
      throw new AppError("forbidden", "userHash does not verify userId");
    }
    customerUserId = input.visitor.userId;
  }
  const known = input.visitorToken ? await verifyVisitorToken(input.visitorToken, secret, key.id) : null;
  const visitorId = known?.visitorId ?? `v_${randomToken(12)}`;
  customerUserId ??= known?.customerUserId ?? null;

  const conversationDeps = { db, env, tenantId: key.tenantId };
  let conversation = await findVisitorConversation(db, key.tenantId, visitorId, input.conversationId);
  if (conversation?.status === "expired")
    conversation = (await resumeConversation(conversationDeps, conversation.id)).conversation;
  const visitorToken = await signVisitorToken(
    { visitorId, tenantId: key.tenantId, widgetKeyId: key.id, customerUserId },
    secret,
  );
  if (!conversation && input.start === false)
    return { visitorId, visitorToken, conversation: null, ticket: null };
  conversation ??= await createConversation(conversationDeps, {
    visitorId,
    ...(customerUserId ? { customerUserId } : {}),
    ...(key.agentId ? { agentId: key.agentId } : {}),
    channel: "web",
    metadata: {
      ...(input.visitor?.name ? { name: input.visitor.name } : {}),
      ...(input.visitor?.email ? { email: input.visitor.email } : {}),
    },
    idleTimeoutSeconds: 1800,
    // The contact: the verified user's (the same person on every device), else this visitor's.
    contactProfile: {
      createdFrom: "widget",
      ...(input.visitor?.name ? { name: input.visitor.name } : {}),
      ...(input.visitor?.email ? { email: input.visitor.email } : {}),
    },
  });
  const ticket = await issueConversationTicket(env, secret, conversation, "visitor", visitorId);
  return { visitorId, visitorToken, conversation, ticket };
}

/** A live widget key embedded by an allowed origin (else 401 for the key, 403 for the origin). */
async function embeddableKey(db: Database, publicKey: string, origin: string | undefined) {
  const [key] = await db
    .select()
    .from(widgetKeys)
    .where(and(eq(widgetKeys.publicKey, publicKey), isNull(widgetKeys.revokedAt)));
  if (!key) throw new AppError("unauthorized", "Unknown or revoked widget key");
  if (!originAllowed(key.allowedOrigins, origin)) {
    throw new AppError("forbidden", `Origin ${origin ?? "(none)"} is not allowed for this widget key`);
  }
  return key;
}

/**
 * What the widget shows before any conversation: the key's settings, whether someone of the team is
 * online (staff with the inbox open) and whether the key's agent is within its business hours.
 */
export async function widgetConfig(
  deps: { db: Database; env: Env },
  origin: string | undefined,
  publicKey: string,
  now = new Date(),
) {
  const key = await embeddableKey(deps.db, publicKey, origin);
  const [hours, online] = await Promise.all([
    key.agentId
      ? loadAgent(deps.db, key.tenantId, key.agentId)
          .then((agent) => agent.businessHours)
          .catch(() => null) // A deleted agent: no hours.
      : null,
    inboxClient(deps.env, key.tenantId).staffOnline(),
  ]);
  return {
    settings: key.settings,
    online: online > 0,
    withinHours: isOpen(hours, now),
    hours: hours ? describeHours(hours) : null,
  };
}

/** The visitor's named conversation (404 if it is not theirs), else their latest unresolved one, if any. */
async function findVisitorConversation(
  db: Database,
  tenantId: string,
  visitorId: string,
  conversationId?: string,
) {
  if (conversationId) {
    const row = await loadConversation(db, tenantId, conversationId);
    if (row.visitorId !== visitorId) throw notFound("Conversation");
    // A resolved chat stays closed: the visitor starts a new one.
    return row.status === "resolved" ? undefined : conversationView(row);
  }
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        eq(conversations.visitorId, visitorId),
        ne(conversations.status, "resolved"),
      ),
    )
    .orderBy(desc(conversations.updatedAt))
    .limit(1);
  return row ? conversationView(row) : undefined;
}
