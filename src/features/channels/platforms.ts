import type { Config } from "../../env";
import type { ChannelPlatform, ChannelType } from "./channel-adapter";
import type { ChannelConfig } from "./channels.schemas";
import { telegramPlatform } from "./telegram/telegram";

/** A registered platform and where its API is (the operator's setting; tests point it at a fake). */
export interface PlatformEntry {
  platform: ChannelPlatform<ChannelConfig>;
  apiBase(config: Config): string;
}

/** Type → platform. A platform not listed here cannot be connected yet (its channels are refused). */
const platforms: Partial<Record<ChannelType, PlatformEntry>> = {
  telegram: { platform: telegramPlatform, apiBase: (config) => config.TELEGRAM_API_BASE },
};

/** The platform of a channel type, or null when none is registered. */
export function platformFor(type: ChannelType): PlatformEntry | null {
  return platforms[type] ?? null;
}

/** Which webhook route a type's deliveries arrive on (Meta's three share one). */
export const webhookRoute = (type: ChannelType) => (type === "telegram" ? "telegram" : "meta");
