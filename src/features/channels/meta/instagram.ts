import { z } from "zod";
import { text } from "../../../lib/text";
import type { ChannelPlatform } from "../channel-adapter";
import { graphCall } from "./graph-client";
import { asIdentity } from "./graph-send";
import { parseMessaging } from "./messaging-parse";
import { sendMessaging } from "./messaging-send";
import type { InstagramConfig, MetaDeps } from "./meta-config";
import { downloadMedia } from "./meta-media";
import type { MetaEvent } from "./meta-payload";
import { verifyMetaSignature } from "./meta-signature";
import { messagingWindow } from "./meta-window";

const account = z.object({
  id: text(),
  user_id: z.union([text(), z.number()]).optional(),
  username: text().optional(),
});

/**
 * The Instagram Direct platform. `apiBase` must be the login flavour's host (instagramApiBase):
 * graph.instagram.com for Instagram Login, graph.facebook.com for Facebook Login.
 */
export function instagramPlatform(deps: MetaDeps): ChannelPlatform<InstagramConfig> & {
  parse(payload: unknown): MetaEvent[];
} {
  return {
    type: "instagram",
    verify: (raw, headers, config) => verifyMetaSignature(raw, headers, config.appSecret),
    parse: (payload) => parseMessaging("Instagram", payload),
    // `/me` is the account the token belongs to, under either login.
    send: (config, apiBase, contactRef, message, idempotencyKey) =>
      sendMessaging(
        deps,
        { apiBase, path: "/me/messages", token: config.accessToken, withMetadata: false },
        contactRef,
        message,
        idempotencyKey,
      ),
    whoAmI: (config, apiBase) =>
      asIdentity(async () => {
        // Instagram Login: `/me` names the professional account in `user_id`; Facebook Login reads
        // the account by id with the Page token.
        const instagramLogin = config.login === "instagram";
        const body = await graphCall(deps, {
          apiBase,
          path: instagramLogin ? "/me" : `/${encodeURIComponent(config.accountId)}`,
          token: config.accessToken,
          query: { fields: instagramLogin ? "user_id,username" : "id,username" },
        });
        const me = account.safeParse(body).data;
        if (!me) return { ok: false, failure: "UNDELIVERABLE", code: "unexpected_answer" };
        const id = instagramLogin && me.user_id !== undefined ? String(me.user_id) : me.id;
        if (id !== config.accountId) return { ok: false, failure: "TOKEN_INVALID", code: "wrong_account" };
        return { ok: true, name: me.username ? `@${me.username}` : me.id };
      }),
    fetchMedia: (_config, _apiBase, ref, maxBytes) => downloadMedia(deps, ref, maxBytes),
    window: messagingWindow,
  };
}
