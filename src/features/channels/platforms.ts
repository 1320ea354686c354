import type { Config } from "../../env";
import type { ChannelPlatform, ChannelType } from "./channel-adapter";
import type { ChannelConfig } from "./channels.schemas";
import { instagramApiBase, instagramPlatform, messengerPlatform, whatsappPlatform } from "./meta";
import type { MetaEvent } from "./meta/meta-payload";
import { telegramPlatform } from "./telegram/telegram";

/** A platform ready to use and where its API is (the operator's setting; tests point it at a fake). */
export interface PlatformEntry {
  platform: ChannelPlatform<ChannelConfig>;
  /** The API base for this channel (Instagram's depends on its login flavour). */
  apiBase(config: Config, channel: ChannelConfig): string;
}

/**
 * A Meta platform whose `parse` keeps only the events of the channel's own account: one Meta app has
 * one callback URL, so a delivery may carry other numbers' or Pages' entries.
 */
function forAccount<C extends ChannelConfig>(
  platform: ChannelPlatform<C> & { parse(payload: unknown): MetaEvent[] },
  account: (config: C) => string,
): ChannelPlatform<C> {
  return {
    ...platform,
    parse: (payload, config) => platform.parse(payload).filter((e) => e.accountRef === account(config)),
  };
}

const metaDeps = (config: Config) => ({ allowPrivate: config.ALLOW_PRIVATE_OUTBOUND });
const graphBase = (config: Config) => config.META_GRAPH_BASE;

/**
 * Type → how to make its platform from the deployment's config (a platform may need settings, e.g.
 * ALLOW_PRIVATE_OUTBOUND). A type not listed here cannot be connected (its channels are refused).
 */
const platforms: Partial<Record<ChannelType, (config: Config) => PlatformEntry>> = {
  telegram: () => ({ platform: telegramPlatform, apiBase: (config) => config.TELEGRAM_API_BASE }),
  whatsapp: (config) => ({
    platform: forAccount(whatsappPlatform(metaDeps(config)), (c) => c.phoneNumberId),
    apiBase: graphBase,
  }),
  messenger: (config) => ({
    platform: forAccount(messengerPlatform(metaDeps(config)), (c) => c.pageId),
    apiBase: graphBase,
  }),
  instagram: (config) => ({
    platform: forAccount(instagramPlatform(metaDeps(config)), (c) => c.accountId),
    apiBase: (config, channel) =>
      instagramApiBase("login" in channel ? channel : { login: "facebook" }, {
        facebook: config.META_GRAPH_BASE,
        instagram: config.INSTAGRAM_GRAPH_BASE,
      }),
  }),
};

/** The platform of a channel type, or null when none is registered. */
export function platformFor(type: ChannelType, config: Config): PlatformEntry | null {
  return platforms[type]?.(config) ?? null;
}

/** Which webhook route a type's deliveries arrive on (Meta's three share one). */
export const webhookRoute = (type: ChannelType) => (type === "telegram" ? "telegram" : "meta");
