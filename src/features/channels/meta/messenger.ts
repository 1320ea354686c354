import { z } from "zod";
import { text } from "../../../lib/text";
import type { ChannelPlatform } from "../channel-adapter";
import { graphCall } from "./graph-client";
import { asIdentity } from "./graph-send";
import { parseMessaging } from "./messaging-parse";
import { sendMessaging } from "./messaging-send";
import type { MessengerConfig, MetaDeps } from "./meta-config";
import { downloadMedia } from "./meta-media";
import type { MetaEvent } from "./meta-payload";
import { verifyMetaSignature } from "./meta-signature";
import { messagingWindow } from "./meta-window";

const page = z.object({ id: text(), name: text().optional() });

/**
 * The Messenger (Facebook Page) platform. `parse` also returns each event's Page id (`accountRef`)
 * and delivery/read watermarks (WatermarkStatus).
 */
export function messengerPlatform(deps: MetaDeps): ChannelPlatform<MessengerConfig> & {
  parse(payload: unknown): MetaEvent[];
} {
  return {
    type: "messenger",
    verify: (raw, headers, config) => verifyMetaSignature(raw, headers, config.appSecret),
    parse: (payload) => parseMessaging("Messenger", payload),
    send: (config, apiBase, contactRef, message, idempotencyKey) =>
      sendMessaging(
        deps,
        {
          apiBase,
          path: `/${encodeURIComponent(config.pageId)}/messages`,
          token: config.pageToken,
          withMetadata: true,
        },
        contactRef,
        message,
        idempotencyKey,
      ),
    whoAmI: (config, apiBase) =>
      asIdentity(async () => {
        const body = await graphCall(deps, {
          apiBase,
          path: "/me",
          token: config.pageToken,
          query: { fields: "id,name" },
        });
        const me = page.safeParse(body).data;
        if (!me) return { ok: false, failure: "UNDELIVERABLE", code: "unexpected_answer" };
        // A token of another Page (or a user token) works, but not for this channel.
        if (me.id !== config.pageId) return { ok: false, failure: "TOKEN_INVALID", code: "wrong_page" };
        return { ok: true, name: me.name ?? me.id };
      }),
    // Messenger attachment URLs are public CDN links: no token goes there.
    fetchMedia: (_config, _apiBase, ref, maxBytes) => downloadMedia(deps, ref, maxBytes),
    window: messagingWindow,
  };
}
