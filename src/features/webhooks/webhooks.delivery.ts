import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema";
import type { Config } from "../../env";
import { describeError, log } from "../../lib/logger";
import { open } from "../../lib/secret-box";
import { OutboundError, outboundFetch } from "../../providers/outbound";
import { signWebhook } from "./signature";
import type { WebhookEvent } from "./webhooks.jobs";

/** Retries stop when the next attempt would fall later than this after the first (or a redelivery). */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS = 16;
const MAX_DELAY_SECONDS = 4 * 60 * 60;
const TIMEOUT_MS = 10_000;

export interface DeliveryDeps {
  db: Database;
  env: Env;
  config: Config;
  /** The first retry's delay; each next one doubles, up to 4 hours (WEBHOOK_RETRY_BASE_SECONDS). */
  retryBaseSeconds: number;
}

/**
 * Creates one delivery per endpoint listening for the event (idempotent: unique by endpoint and
 * event) and queues each one still untried, so a fan-out run twice sends nothing twice.
 */
export async function fanOut({ db, env }: DeliveryDeps, event: WebhookEvent): Promise<number> {
  const endpoints = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, event.tenantId),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.events} @> ${JSON.stringify([event.type])}::jsonb`,
      ),
    );
  if (endpoints.length === 0) return 0;
  const body = JSON.stringify(event);
  await db
    .insert(webhookDeliveries)
    .values(
      endpoints.map((endpoint) => ({
        tenantId: event.tenantId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        body,
        nextAttemptAt: new Date(),
      })),
    )
    .onConflictDoNothing();
  const untried = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.eventId, event.id),
        inArray(
          webhookDeliveries.endpointId,
          endpoints.map((endpoint) => endpoint.id),
        ),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempts, 0),
      ),
    );
  if (untried.length > 0)
    await env.WEBHOOK_QUEUE.sendBatch(
      untried.map((row) => ({ body: { kind: "delivery", deliveryId: row.id } })),
    );
  return untried.length;
}

/** How long to wait before attempt `attempts + 1`: the base doubled per attempt, at most 4 hours. */
export const retryDelaySeconds = (base: number, attempts: number) =>
  Math.min(MAX_DELAY_SECONDS, base * 2 ** Math.max(0, attempts - 1));

/**
 * One attempt of a pending delivery: signs the stored body, POSTs it through the outbound rules, and
 * records the outcome; a failure queues the next attempt with backoff until the window closes.
 */
export async function attemptDelivery(deps: DeliveryDeps, deliveryId: string): Promise<void> {
  const { db, env, config } = deps;
  const [found] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (found?.delivery.status !== "pending") return;
  const { delivery, endpoint } = found;
  if (!endpoint.enabled) {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "The webhook is disabled", nextAttemptAt: null })
      .where(eq(webhookDeliveries.id, delivery.id));
    return;
  }
  // Claims this attempt: of two queue messages for one attempt, only one sends.
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ attempts: delivery.attempts + 1, lastAttemptAt: new Date(), nextAttemptAt: null })
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempts, delivery.attempts),
      ),
    )
    .returning();
  if (!claimed) return;
  const outcome = await send(config, endpoint, delivery);
  const fields = {
    tenantId: delivery.tenantId,
    endpointId: endpoint.id,
    deliveryId,
    attempt: claimed.attempts,
  };
  if (outcome.ok) {
    await db
      .update(webhookDeliveries)
      .set({ status: "delivered", responseStatus: outcome.status, lastError: null, deliveredAt: new Date() })
      .where(eq(webhookDeliveries.id, delivery.id));
    log("info", "webhook delivered", { ...fields, status: outcome.status });
    return;
  }
  const delay = retryDelaySeconds(deps.retryBaseSeconds, claimed.attempts);
  const next = Date.now() + delay * 1000;
  const giveUp =
    claimed.attempts >= MAX_ATTEMPTS || next > claimed.windowStartedAt.getTime() + RETRY_WINDOW_MS;
  await db
    .update(webhookDeliveries)
    .set({
      status: giveUp ? "failed" : "pending",
      responseStatus: outcome.status,
      lastError: outcome.error,
      nextAttemptAt: giveUp ? null : new Date(next),
    })
    .where(eq(webhookDeliveries.id, delivery.id));
  log("warn", giveUp ? "webhook delivery failed for good" : "webhook delivery failed; will retry", {
    ...fields,
    status: outcome.status,
    delaySeconds: giveUp ? null : delay,
  });
  if (!giveUp) await env.WEBHOOK_QUEUE.send({ kind: "delivery", deliveryId }, { delaySeconds: delay });
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function send(
  config: Config,
  endpoint: typeof webhookEndpoints.$inferSelect,
  delivery: typeof webhookDeliveries.$inferSelect,
): Promise<Outcome> {
  try {
    const secret = await open(endpoint.secretEncrypted, config.ENCRYPTION_KEY);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await outboundFetch(
      endpoint.url,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Switchboard-Webhooks/1",
          "X-Switchboard-Event": delivery.eventType,
          "X-Switchboard-Delivery": delivery.id,
          "X-Switchboard-Timestamp": timestamp,
          "X-Switchboard-Signature": await signWebhook(secret, timestamp, delivery.body),
        },
        body: delivery.body,
      },
      {
        allowPrivate: config.ALLOW_PRIVATE_OUTBOUND,
        timeoutMs: TIMEOUT_MS,
        maxBytes: 64 * 1024,
        // A redirect is an answer, not a new destination: it counts as a failed attempt.
        maxRedirects: 0,
        service: "The webhook endpoint",
      },
    );
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, status: null, error: error.message };
    log("error", "webhook attempt failed unexpectedly", { deliveryId: delivery.id, ...describeError(error) });
    return { ok: false, status: null, error: "Delivery failed" };
  }
}
