import { z } from "zod";
import { platformText, text } from "../../../lib/text";
import type { InboundMedia } from "../channel-adapter";
import { locationText, type MetaEvent, parsePayload } from "./meta-payload";

/** Prefix of the `metadata` our Messenger sends carry; their echoes come back with it. */
export const ECHO_METADATA_PREFIX = "switchboard:";

const ms = z.number().int().nonnegative();
const attachment = z.object({
  type: text(),
  payload: z
    .object({
      url: platformText().optional(),
      title: platformText().optional(),
      sticker_id: z.number().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});
const item = z.object({
  sender: z.object({ id: text().min(1) }),
  recipient: z.object({ id: text().min(1) }),
  timestamp: ms,
  message: z
    .object({
      mid: text().min(1),
      text: platformText().optional(),
      is_echo: z.boolean().optional(),
      metadata: platformText().optional(),
      attachments: z.array(attachment).optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
    })
    .optional(),
  delivery: z.object({ mids: z.array(text()).optional(), watermark: ms }).optional(),
  read: z.object({ watermark: ms.optional(), mid: text().optional() }).optional(),
  reaction: z.object({ mid: text(), action: text(), emoji: platformText().optional() }).optional(),
  message_edit: z
    .object({ mid: text(), text: platformText().optional(), num_edit: z.number().int() })
    .optional(),
  postback: z
    .object({ mid: text().optional(), title: platformText().optional(), payload: platformText().optional() })
    .optional(),
});
const entries = z.array(z.object({ id: text().min(1), messaging: z.array(item).optional() }));
const OBJECTS = { Messenger: "page", Instagram: "instagram" } as const;

type Item = z.infer<typeof item>;
type Message = NonNullable<Item["message"]>;
const MEDIA: Record<string, InboundMedia["kind"]> = {
  image: "image",
  video: "video",
  audio: "audio",
  file: "document",
  animated_image: "image",
};

/**
 * Every event of a Messenger (`object: "page"`) or Instagram (`object: "instagram"`) delivery, in
 * payload order: messages, echoes, reactions, edits, postbacks, per-message statuses and watermarks.
 * Events that are not conversation content (opt-ins, referrals, handover, `standby`) yield nothing.
 * Throws InvalidPayloadError.
 */
export function parseMessaging(platform: keyof typeof OBJECTS, payload: unknown): MetaEvent[] {
  const schema = z.object({ object: z.literal(OBJECTS[platform]), entry: entries });
  const events: MetaEvent[] = [];
  for (const entry of parsePayload(platform, schema, payload).entry) {
    for (const it of entry.messaging ?? []) events.push(...itemEvents(platform, it, entry.id));
  }
  return events;
}

function itemEvents(platform: string, it: Item, accountRef: string): MetaEvent[] {
  const customer = it.sender.id;
  const base = { type: "message" as const, contactRef: customer, at: it.timestamp, accountRef };
  if (it.message) return [messageEvent(platform, it, it.message, accountRef)];
  if (it.reaction) {
    const { mid, action, emoji } = it.reaction;
    const text = action === "react" && emoji ? `[Reacted ${emoji} to a message]` : "[Removed a reaction]";
    return [{ ...base, platformId: `${mid}#reaction:${action}:${it.timestamp}`, text }];
  }
  if (it.message_edit) {
    const { mid, num_edit, text } = it.message_edit;
    return [
      { ...base, platformId: `${mid}#edit:${num_edit}`, text: `[Edited a message] ${text ?? ""}`.trim() },
    ];
  }
  if (it.postback) {
    const { mid, title, payload } = it.postback;
    const platformId = mid ?? `postback:${customer}:${it.timestamp}`;
    return [{ ...base, platformId, text: title ?? payload ?? "[Pressed a button]" }];
  }
  const statuses: MetaEvent[] = [];
  if (it.delivery) {
    const { mids = [], watermark } = it.delivery;
    for (const mid of mids)
      statuses.push({
        type: "status",
        platformMessageId: mid,
        state: "delivered",
        at: watermark,
        accountRef,
      });
    statuses.push(watermarkStatus("delivered", customer, watermark, accountRef));
  }
  if (it.read?.mid)
    statuses.push({
      type: "status",
      platformMessageId: it.read.mid,
      state: "read",
      at: it.timestamp,
      accountRef,
    });
  else if (it.read?.watermark !== undefined)
    statuses.push(watermarkStatus("read", customer, it.read.watermark, accountRef));
  return statuses;
}

function watermarkStatus(
  state: "delivered" | "read",
  contactRef: string,
  at: number,
  accountRef: string,
): MetaEvent {
  return {
    type: "status",
    platformMessageId: `watermark:${contactRef}`,
    state,
    at,
    accountRef,
    watermark: { contactRef },
  };
}

/**
 * A message, or an echo of one the business sent. An echo whose `metadata` carries our prefix is
 * ours (`echo: true`, ignored); any other echo was sent from Meta's own apps (Page inbox, Business
 * Suite, the Instagram app) or another app: `fromBusiness`, shown as a staff message.
 */
function messageEvent(platform: string, it: Item, m: Message, accountRef: string): MetaEvent {
  const echo = m.is_echo === true;
  const event: MetaEvent = {
    type: "message",
    platformId: m.is_deleted ? `${m.mid}#deleted` : m.mid,
    // An echo goes from the business to the customer: the conversation is with the recipient.
    contactRef: echo ? it.recipient.id : it.sender.id,
    at: it.timestamp,
    accountRef,
    text: "",
  };
  if (echo) {
    if (m.metadata?.startsWith(ECHO_METADATA_PREFIX)) event.echo = true;
    else event.fromBusiness = true;
  }
  if (m.is_deleted) return { ...event, text: "[Unsent a message]" };
  const lines = m.text ? [m.text] : [];
  const media: InboundMedia[] = [];
  for (const a of m.attachments ?? []) {
    const kind = MEDIA[a.type];
    const url = a.payload?.url;
    if (kind && url) media.push({ kind: a.payload?.sticker_id ? "sticker" : kind, ref: url });
    else if (a.payload?.coordinates)
      lines.push(
        locationText({ latitude: a.payload.coordinates.lat, longitude: a.payload.coordinates.long }),
      );
    else lines.push(`[${a.type}${a.payload?.title ? `: ${a.payload.title}` : ""}]${url ? ` ${url}` : ""}`);
  }
  if (lines.length === 0 && media.length === 0)
    lines.push(`[Unsupported ${platform} message${m.is_unsupported ? "" : " (empty)"}]`);
  return { ...event, text: lines.join("\n"), ...(media.length > 0 ? { media } : {}) };
}
