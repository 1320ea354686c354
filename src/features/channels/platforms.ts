import type { Config } from "../../env";
import type { ChannelPlatform, ChannelType } from "./channel-adapter";
import type { ChannelConfig } from "./channels.schemas";
import { telegramPlatform } from "./telegram/telegram";

/** A platform ready to use and where its API is (the operator's setting; tests point it at a fake). */
export interface PlatformEntry {
  platform: ChannelPlatform<ChannelConfig>;
  apiBase(config: Config): string;
}

/**
 * Type → how to make its platform from the deployment's config (a platform may need settings, e.g.
 * ALLOW_PRIVATE_OUTBOUND). A type not listed here cannot be connected yet (its channels are refused).
 */
const platforms: Partial<Record<ChannelType, (config: Config) => PlatformEntry>> = {
  telegram: () => ({ platform: telegramPlatform, apiBase: (config) => config.TELEGRAM_API_BASE }),
};

/** The platform of a channel type, or null when none is registered. */
export function platformFor(type: ChannelType, config: Config): PlatformEntry | null {
  return platforms[type]?.(config) ?? null;
}

/** Which webhook route a type's deliveries arrive on (Meta's three share one). */
export const webhookRoute = (type: ChannelType) => (type === "telegram" ? "telegram" : "meta");
