import { z } from "zod";
import { text } from "../../../lib/text";
import { OutboundError } from "../../../providers/outbound";
import type { ChannelPlatform, OutboundMessage } from "../channel-adapter";
import { graphCall } from "./graph-client";
import { asIdentity, asSendResult, refused } from "./graph-send";
import type { MetaDeps, WhatsAppConfig } from "./meta-config";
import { downloadMedia } from "./meta-media";
import type { MetaEvent } from "./meta-payload";
import { verifyMetaSignature } from "./meta-signature";
import { whatsappWindow } from "./meta-window";
import { parseWhatsApp } from "./whatsapp-parse";

/** WhatsApp's limit on a text message body. */
export const WHATSAPP_MAX_TEXT = 4096;

const sent = z.object({ messages: z.array(z.object({ id: text() })).min(1) });
const phone = z.object({
  id: text(),
  display_phone_number: text().optional(),
  verified_name: text().optional(),
});
const mediaInfo = z.object({
  url: text(),
  mime_type: text().optional(),
  file_size: z.coerce.number().optional(),
});

/** The Cloud API body of one message to `to` (a wa_id). */
export function whatsappMessageBody(to: string, message: OutboundMessage, idempotencyKey: string) {
  // Comes back in this message's status webhooks: ties a status to our message even without its wamid.
  const envelope = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to,
    biz_opaque_callback_data: idempotencyKey,
  };
  if (message.kind === "text")
    return { ...envelope, type: "text", text: { body: message.text, preview_url: false } };
  const parameters = message.parameters.map((value) => ({ type: "text", text: value }));
  return {
    ...envelope,
    type: "template",
    template: {
      name: message.name,
      language: { code: message.language },
      ...(parameters.length > 0 ? { components: [{ type: "body", parameters }] } : {}),
    },
  };
}

/** The WhatsApp Cloud API platform. `parse` also returns each event's phone number id (`accountRef`). */
export function whatsappPlatform(deps: MetaDeps): ChannelPlatform<WhatsAppConfig> & {
  parse(payload: unknown): MetaEvent[];
} {
  return {
    type: "whatsapp",
    verify: (raw, headers, config) => verifyMetaSignature(raw, headers, config.appSecret),
    parse: parseWhatsApp,
    send: (config, apiBase, contactRef, message, idempotencyKey) => {
      if (message.kind === "text" && !message.text.trim()) return Promise.resolve(refused("empty_text"));
      if (message.kind === "text" && message.text.length > WHATSAPP_MAX_TEXT)
        return Promise.resolve(refused("text_too_long"));
      return asSendResult(async () => {
        const body = await graphCall(deps, {
          apiBase,
          path: `/${encodeURIComponent(config.phoneNumberId)}/messages`,
          token: config.accessToken,
          body: whatsappMessageBody(contactRef, message, idempotencyKey),
        });
        return sent.safeParse(body).data?.messages[0]?.id;
      });
    },
    whoAmI: (config, apiBase) =>
      asIdentity(async () => {
        const body = await graphCall(deps, {
          apiBase,
          path: `/${encodeURIComponent(config.phoneNumberId)}`,
          token: config.accessToken,
          query: { fields: "display_phone_number,verified_name,quality_rating" },
        });
        const number = phone.safeParse(body).data;
        if (!number) return { ok: false, failure: "UNDELIVERABLE", code: "unexpected_answer" };
        const name = [number.verified_name, number.display_phone_number].filter(Boolean).join(" · ");
        return { ok: true, name: name || number.id };
      }),
    fetchMedia: async (config, apiBase, ref, maxBytes) => {
      // The media id resolves to a short-lived URL that itself needs the token.
      const info = mediaInfo.safeParse(
        await graphCall(deps, { apiBase, path: `/${encodeURIComponent(ref)}`, token: config.accessToken }),
      ).data;
      if (!info) throw new OutboundError("refused", "The Meta Graph API did not name the media's URL");
      if (info.file_size !== undefined && info.file_size > maxBytes)
        throw new OutboundError("too_large", `The media is larger than ${maxBytes} bytes`);
      const media = await downloadMedia(deps, info.url, maxBytes, config.accessToken);
      return info.mime_type ? { ...media, mimeType: info.mime_type } : media;
    },
    window: (lastCustomerAt, now) => whatsappWindow(lastCustomerAt, now),
  };
}
