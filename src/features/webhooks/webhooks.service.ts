import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  type WebhookDeliveryStatus,
  type WebhookEventType,
  webhookDeliveries,
  webhookEndpoints,
} from "../../db/schema";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { seal } from "../../lib/secret-box";
import { assertOutboundUrl } from "../../providers/outbound";
import { inboxClient } from "../inbox/inbox-client";
import { deliveryView, webhookView } from "./webhooks.views";

export interface WebhookDeps {
  db: Database;
  env: Env;
  tenantId: string;
  config: { ENCRYPTION_KEY: string; ALLOW_PRIVATE_OUTBOUND: boolean };
}

const checkedUrl = (url: string, allowPrivate: boolean) =>
  assertOutboundUrl(url, allowPrivate, "url").toString();

/** Every endpoint write ends here: the tenant's cached subscriptions must see it before the next event. */
async function changed(env: Env, tenantId: string) {
  await inboxClient(env, tenantId).webhooksChanged();
}

async function loadEndpoint(db: Database, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)));
  if (!row) throw notFound("Webhook");
  return row;
}

/** Registers an endpoint; the signing secret is returned this once and kept sealed. */
export async function createWebhook(
  { db, env, tenantId, config }: WebhookDeps,
  input: { url: string; events: WebhookEventType[]; description?: string; enabled: boolean },
) {
  const secret = `whsec_${randomToken(32)}`;
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      tenantId,
      url: checkedUrl(input.url, config.ALLOW_PRIVATE_OUTBOUND),
      events: [...new Set(input.events)],
      description: input.description ?? null,
      enabled: input.enabled,
      secretEncrypted: await seal(secret, config.ENCRYPTION_KEY),
    })
    .returning();
  if (!row) throw new Error("webhook insert returned nothing");
  await changed(env, tenantId);
  return { ...webhookView(row), secret };
}

export async function listWebhooks(db: Database, tenantId: string) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId))
    .orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(webhookView);
}

export async function getWebhook(db: Database, tenantId: string, id: string) {
  return webhookView(await loadEndpoint(db, tenantId, id));
}

export async function updateWebhook(
  { db, env, tenantId, config }: WebhookDeps,
  id: string,
  input: { url?: string; events?: WebhookEventType[]; description?: string | null; enabled?: boolean },
) {
  await loadEndpoint(db, tenantId, id);
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(input.url === undefined ? {} : { url: checkedUrl(input.url, config.ALLOW_PRIVATE_OUTBOUND) }),
      ...(input.events === undefined ? {} : { events: [...new Set(input.events)] }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
    })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound("Webhook");
  await changed(env, tenantId);
  return webhookView(row);
}

/** Deletes the endpoint and its delivery log; deliveries still queued find nothing and stop. */
export async function deleteWebhook({ db, env, tenantId }: Omit<WebhookDeps, "config">, id: string) {
  await loadEndpoint(db, tenantId, id);
  await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)));
  await changed(env, tenantId);
}

/** The endpoint's deliveries, newest first. */
export async function listDeliveries(
  db: Database,
  tenantId: string,
  endpointId: string,
  query: { status?: WebhookDeliveryStatus; limit: number },
) {
  await loadEndpoint(db, tenantId, endpointId);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit);
  return rows.map(deliveryView);
}

/**
 * Sends a delivery again, with the same id and body (receivers dedupe by X-Switchboard-Delivery) and a
 * fresh 24-hour retry window.
 */
export async function redeliver(
  deps: { db: Database; env: Env; tenantId: string },
  endpointId: string,
  deliveryId: string,
) {
  const endpoint = await loadEndpoint(deps.db, deps.tenantId, endpointId);
  if (!endpoint.enabled) throw new AppError("conflict", "The webhook is disabled; enable it first");
  const [row] = await deps.db
    .update(webhookDeliveries)
    .set({
      status: "pending",
      attempts: 0,
      windowStartedAt: new Date(),
      nextAttemptAt: new Date(),
      lastError: null,
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
    .returning();
  if (!row) throw notFound("Delivery");
  await deps.env.WEBHOOK_QUEUE.send({ kind: "delivery", deliveryId: row.id });
  return deliveryView(row);
}
