export { failureForCode, GraphError, graphFailure } from "./graph-errors";
export { instagramPlatform } from "./instagram";
export { messengerPlatform } from "./messenger";
export type {
  InstagramConfig,
  InstagramLogin,
  MessengerConfig,
  MetaDeps,
  WhatsAppConfig,
} from "./meta-config";
export { GRAPH_HOSTS, GRAPH_VERSION, instagramApiBase } from "./meta-config";
export type { MetaEvent, WatermarkStatus } from "./meta-payload";
export { InvalidPayloadError, isWatermark } from "./meta-payload";
export { metaHandshake, metaSignature, verifyMetaSignature } from "./meta-signature";
export { messagingWindow, needsHumanAgentTag, whatsappWindow, windowOpen } from "./meta-window";
export { whatsappPlatform } from "./whatsapp";
