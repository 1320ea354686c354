import type { z } from "@hono/zod-openapi";
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { channels, conversations } from "../../db/schema";
import type { Config } from "../../env";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { seal } from "../../lib/secret-box";
import { isoOrNull } from "../../lib/time";
import { OutboundError } from "../../providers/outbound";
import { loadAgent } from "../ai/agents.service";
import type { ChannelType, IdentityCheck } from "./channel-adapter";
import { forgetChannel } from "./channel-cache";
import { type ChannelRow, type OpenedChannel, openChannel, setChannelHealth } from "./channel-secrets";
import { type ChannelConfig, type CreateChannelBody, channelConfigs } from "./channels.schemas";
import { type PlatformEntry, platformFor, webhookRoute } from "./platforms";
import { TelegramUnavailable } from "./telegram/telegram-api";

export interface ChannelDeps {
  db: Database;
  env: Env;
  config: Config;
  tenantId: string;
  /** Where this deployment is reached (APP_URL or the request's origin), for the webhook URL. */
  publicUrl: string;
}

/** The public shape of a channel: the config's non-secret fields and `configured: true`. */
export function channelView(row: ChannelRow, config: ChannelConfig) {
  const secrets: readonly string[] = channelConfigs[row.type].secrets;
  const visible = Object.fromEntries(Object.entries(config).filter(([key]) => !secrets.includes(key)));
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    name: row.name,
    agentId: row.agentId,
    status: row.status,
    config: { ...visible, configured: true },
    lastVerifiedInboundAt: isoOrNull(row.lastVerifiedInboundAt),
    lastErrorCode: row.lastErrorCode,
    lastErrorAt: isoOrNull(row.lastErrorAt),
    deadLetters: row.deadLetters,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const webhookUrl = (publicUrl: string, type: ChannelType, id: string) =>
  `${publicUrl}/webhooks/${webhookRoute(type)}/${id}`;

function platformOf(type: ChannelType, config: Config): PlatformEntry {
  const entry = platformFor(type, config);
  if (!entry)
    throw new AppError("validation_failed", `${type} channels are not available on this deployment yet`);
  return entry;
}

/** A platform call that could not be made becomes a 502/504, never a 500. */
async function platformCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OutboundError && error.kind === "timeout")
      throw new AppError("gateway_timeout", "The platform did not answer in time");
    if (error instanceof OutboundError || error instanceof TelegramUnavailable)
      throw new AppError("bad_gateway", "The platform could not be reached or answered with an error");
    throw error;
  }
}

async function loadRow(db: Database, tenantId: string, id: string): Promise<ChannelRow> {
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.tenantId, tenantId)));
  if (!row) throw notFound("Channel");
  return row;
}

async function checkAgent(db: Database, tenantId: string, agentId: string | null | undefined) {
  if (agentId && !(await loadAgent(db, tenantId, agentId).catch(() => null)))
    throw new AppError("validation_failed", "agentId is not an agent of this tenant");
}

/**
 * Registers the webhook with the platform when it is told by API (Telegram setWebhook); a platform
 * set up in its own console (Meta) gets its "who am I" call instead, so a token that does not work
 * (or names another Page or account) is refused up front. A refusal is a 400. `check: false` skips
 * the who-am-I (a new verify token needs no working access token).
 */
async function connect(deps: ChannelDeps, opened: OpenedChannel, check = true): Promise<void> {
  const entry = platformOf(opened.row.type, deps.config);
  const { connect: connectHook, whoAmI } = entry.platform;
  if (!connectHook && !check) return;
  const url = webhookUrl(deps.publicUrl, opened.row.type, opened.row.id);
  const base = entry.apiBase(deps.config, opened.config);
  const result: IdentityCheck = await platformCall(() =>
    connectHook ? connectHook(opened.config, base, url, opened.webhookToken) : whoAmI(opened.config, base),
  );
  if (!result.ok)
    throw new AppError(
      "validation_failed",
      `The platform refused the channel (${result.failure}, ${result.code})`,
      [{ path: "config", message: result.failure }],
    );
}

export async function listChannels(deps: ChannelDeps) {
  const rows = await deps.db
    .select()
    .from(channels)
    .where(eq(channels.tenantId, deps.tenantId))
    .orderBy(desc(channels.createdAt));
  return Promise.all(
    rows.map(async (row) => channelView(row, (await openChannel(row, deps.config.ENCRYPTION_KEY)).config)),
  );
}

export async function getChannel(deps: ChannelDeps, id: string) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  return channelView(row, (await openChannel(row, deps.config.ENCRYPTION_KEY)).config);
}

/** Creates a channel; a Telegram bot gets its webhook (with the secret token) set at once. */
export async function createChannel(deps: ChannelDeps, input: z.infer<typeof CreateChannelBody>) {
  platformOf(input.type, deps.config);
  await checkAgent(deps.db, deps.tenantId, input.agentId);
  const key = deps.config.ENCRYPTION_KEY;
  const webhookToken = randomToken(32);
  const [row] = await deps.db
    .insert(channels)
    .values({
      tenantId: deps.tenantId,
      type: input.type,
      name: input.name,
      agentId: input.agentId ?? null,
      configSealed: await seal(JSON.stringify(input.config), key),
      webhookTokenSealed: await seal(webhookToken, key),
    })
    .returning();
  if (!row) throw new Error("channel insert returned nothing");
  try {
    await connect(deps, { row, config: input.config, webhookToken });
  } catch (error) {
    await deps.db.delete(channels).where(eq(channels.id, row.id));
    throw error;
  }
  return channelView(row, input.config);
}

export async function updateChannel(
  deps: ChannelDeps,
  id: string,
  input: {
    name?: string;
    agentId?: string | null;
    status?: "active" | "disabled";
    config?: Record<string, unknown>;
  },
) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  await checkAgent(deps.db, deps.tenantId, input.agentId);
  const opened = await openChannel(row, deps.config.ENCRYPTION_KEY);
  let config = opened.config;
  if (input.config) {
    const parsed = channelConfigs[row.type].schema.safeParse(input.config);
    if (!parsed.success)
      throw new AppError(
        "validation_failed",
        "Invalid request body",
        parsed.error.issues.map((issue) => ({
          path: ["config", ...issue.path].join("."),
          message: issue.message,
        })),
      );
    config = parsed.data;
    await connect(deps, { ...opened, config });
  }
  const [updated] = await deps.db
    .update(channels)
    .set({
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.agentId === undefined ? {} : { agentId: input.agentId }),
      // New credentials (or re-enabling) clear a reauth_required.
      ...(input.status ? { status: input.status } : input.config ? { status: "active" as const } : {}),
      ...(input.config
        ? {
            configSealed: await seal(JSON.stringify(config), deps.config.ENCRYPTION_KEY),
            lastErrorCode: null,
            lastErrorAt: null,
          }
        : {}),
    })
    .where(eq(channels.id, row.id))
    .returning();
  if (!updated) throw notFound("Channel");
  forgetChannel(row.id);
  return channelView(updated, config);
}

/** Deletes a channel; refused while any of its conversations is open, unless `force`. */
export async function deleteChannel(deps: ChannelDeps, id: string, force: boolean) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  const [open] = await deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(
      and(
        eq(conversations.channelId, row.id),
        isNotNull(conversations.channelId),
        sql`${conversations.status} not in ('resolved', 'expired')`,
      ),
    );
  if ((open?.n ?? 0) > 0 && !force)
    throw new AppError(
      "conflict",
      `The channel has ${open?.n} open conversations; resolve them or delete with ?force=true`,
    );
  await deps.db.delete(channels).where(eq(channels.id, row.id));
  forgetChannel(row.id);
}

/** The URL to give the platform and (Meta) the verify token to paste next to it. */
export async function channelWebhook(deps: ChannelDeps, id: string) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  const opened = await openChannel(row, deps.config.ENCRYPTION_KEY);
  return {
    url: webhookUrl(deps.publicUrl, row.type, row.id),
    verifyToken: row.type === "telegram" ? null : opened.webhookToken,
  };
}

/** A new webhook token; Telegram is told at once (setWebhook), Meta's must be pasted again. */
export async function regenerateWebhook(deps: ChannelDeps, id: string) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  const opened = await openChannel(row, deps.config.ENCRYPTION_KEY);
  const webhookToken = randomToken(32);
  await connect(deps, { ...opened, webhookToken }, false);
  await deps.db
    .update(channels)
    .set({ webhookTokenSealed: await seal(webhookToken, deps.config.ENCRYPTION_KEY) })
    .where(eq(channels.id, row.id));
  forgetChannel(row.id);
  return {
    url: webhookUrl(deps.publicUrl, row.type, row.id),
    verifyToken: row.type === "telegram" ? null : webhookToken,
  };
}

/** The health checklist: the token (who am I), the webhook as the platform sees it, the last verified inbound. */
export async function testChannel(deps: ChannelDeps, id: string) {
  const row = await loadRow(deps.db, deps.tenantId, id);
  const opened = await openChannel(row, deps.config.ENCRYPTION_KEY);
  const { platform, apiBase } = platformOf(row.type, deps.config);
  const base = apiBase(deps.config, opened.config);
  const identity = await platformCall(() => platform.whoAmI(opened.config, base));
  let status = row.status;
  if (!identity.ok && identity.failure === "TOKEN_INVALID") {
    await setChannelHealth(deps.db, deps.env, row, "reauth_required", identity.code);
    status = "reauth_required";
  }
  const url = webhookUrl(deps.publicUrl, row.type, row.id);
  const webhookStatus = platform.webhookStatus;
  const webhook = webhookStatus
    ? await platformCall(() => webhookStatus(opened.config, base, url))
    : { ok: true, detail: { url, note: "set in the platform's console" } };
  const checks = [
    {
      name: "token" as const,
      ok: identity.ok,
      detail: identity.ok ? { name: identity.name } : { failure: identity.failure, code: identity.code },
    },
    { name: "webhook" as const, ok: webhook.ok, detail: webhook.detail },
    {
      name: "inbound" as const,
      ok: row.lastVerifiedInboundAt !== null,
      detail: { lastVerifiedInboundAt: isoOrNull(row.lastVerifiedInboundAt) },
    },
  ];
  return { ok: checks.every((check) => check.ok), status, checks };
}
