import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../lib/app-env";
import { constantTimeEqual } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { createRouter } from "../../lib/openapi";
import { errors, json } from "../../lib/responses";
import { text } from "../../lib/text";
import { createStorage } from "../../providers/storage";
import { cachedChannel } from "./channel-cache";
import { loadOpenedChannel } from "./channel-secrets";
import { deliveryKey, INLINE_DELIVERY_BYTES } from "./channels.jobs";
import { platformFor, webhookRoute } from "./platforms";

const tags = ["Webhooks"];
const ChannelParams = z.object({
  channelId: z
    .uuid()
    .openapi({ param: { name: "channelId", in: "path" }, example: "0193a5c0-0000-7000-8000-000000000001" }),
});
const Accepted = z.object({ ok: z.literal(true) }).openapi("WebhookAccepted", { example: { ok: true } });
const unauthorized = () => new AppError("unauthorized", "Invalid webhook signature");
const encoder = new TextEncoder();

/**
 * Verifies a delivery on its raw bytes with the channel's platform (401 and nothing stored on a
 * mismatch), queues it as received and answers 200 at once: platforms time out and give up on
 * webhooks that keep them waiting.
 */
async function receive(c: Context<AppEnv>, route: "telegram" | "meta", channelId: string) {
  const { db, config } = c.var;
  const raw = await c.req.arrayBuffer();
  const opened = await cachedChannel(
    channelId,
    () => loadOpenedChannel(db, config.ENCRYPTION_KEY, channelId),
    (task) => c.var.background(task, "refreshing a cached channel"),
  );
  const row = opened?.row;
  const entry = row && webhookRoute(row.type) === route ? platformFor(row.type, config) : null;
  if (!opened || !row || !entry) throw unauthorized();
  if (!(await entry.platform.verify(raw, c.req.raw.headers, opened.config, opened.webhookToken)))
    throw unauthorized();
  // Nothing else touches Postgres here: the consumer records the time of the last verified delivery.
  if (row.status === "disabled") return c.json({ ok: true as const }, 200);
  const delivery = { channelId: row.id, tenantId: row.tenantId, receivedAt: Date.now() };
  if (raw.byteLength <= INLINE_DELIVERY_BYTES) {
    await c.env.CHANNEL_QUEUE.send({ ...delivery, body: new TextDecoder().decode(raw) });
  } else {
    const storageKey = deliveryKey(config.STORAGE_PREFIX, row.tenantId, row.id, uuidv7());
    await createStorage(config, c.env.DOCUMENTS_BUCKET).put(
      storageKey,
      new Uint8Array(raw),
      "application/json",
    );
    await c.env.CHANNEL_QUEUE.send({ ...delivery, storageKey });
  }
  return c.json({ ok: true as const }, 200);
}

const MetaHandshake = z.object({
  "hub.mode": text().max(50).optional().openapi({ example: "subscribe" }),
  "hub.verify_token": text().max(500).optional().openapi({ example: "the channel's verify token" }),
  "hub.challenge": text().max(500).optional().openapi({ example: "1158201444" }),
});

const post = (route: "telegram" | "meta", summary: string) =>
  createRoute({
    method: "post",
    path: `/${route}/{channelId}`,
    tags,
    summary,
    description:
      "Called by the platform, not by API clients. The body is checked on its raw bytes before it is read; a delivery that fails the check gets 401 and is not stored.",
    request: { params: ChannelParams },
    responses: { 200: json(Accepted, "Verified and queued"), ...errors(400, 401, 413) },
  });

export const channelWebhookRoutes = createRouter()
  .openapi(post("telegram", "Telegram Bot API updates (X-Telegram-Bot-Api-Secret-Token checked)"), (c) =>
    receive(c, "telegram", c.req.valid("param").channelId),
  )
  .openapi(post("meta", "WhatsApp, Messenger and Instagram deliveries (X-Hub-Signature-256 checked)"), (c) =>
    receive(c, "meta", c.req.valid("param").channelId),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/meta/{channelId}",
      tags,
      summary: "Meta's subscription handshake: echoes hub.challenge when hub.verify_token is the channel's",
      request: { params: ChannelParams, query: MetaHandshake },
      responses: {
        200: {
          content: { "text/plain": { schema: text().openapi({ example: "1158201444" }) } },
          description: "The challenge",
        },
        ...errors(400, 403),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { channelId } = c.req.valid("param");
      const opened = await cachedChannel(
        channelId,
        () => loadOpenedChannel(c.var.db, c.var.config.ENCRYPTION_KEY, channelId),
        (task) => c.var.background(task, "refreshing a cached channel"),
      );
      const refused = () => new AppError("forbidden", "Verification failed");
      if (!opened || webhookRoute(opened.row.type) !== "meta" || query["hub.mode"] !== "subscribe")
        throw refused();
      const { webhookToken } = opened;
      const given = encoder.encode(query["hub.verify_token"] ?? "");
      if (!constantTimeEqual(given, encoder.encode(webhookToken))) throw refused();
      return c.text(query["hub.challenge"] ?? "", 200);
    },
  );
