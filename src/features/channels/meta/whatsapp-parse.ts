import { z } from "zod";
import { platformText, text } from "../../../lib/text";
import type { DeliveryState, InboundMedia } from "../channel-adapter";
import { locationText, type MetaEvent, parsePayload } from "./meta-payload";

// Unix seconds as a string ("1712345678"), as WhatsApp sends them.
const seconds = text().regex(/^\d{1,12}$/, "must be unix seconds");
const error = z.object({ code: z.number().int(), title: text().optional() });
const media = z.object({
  id: text().min(1),
  mime_type: text().optional(),
  caption: platformText().optional(),
  filename: platformText().optional(),
});
const contactCard = z.object({
  name: z
    .object({ formatted_name: platformText().optional(), first_name: platformText().optional() })
    .optional(),
  phones: z
    .array(z.object({ phone: platformText().optional(), wa_id: platformText().optional() }))
    .optional(),
  emails: z.array(z.object({ email: platformText().optional() })).optional(),
  org: z.object({ company: platformText().optional() }).optional(),
});
const message = z.object({
  from: text().min(1),
  /** Business echoes (smb_message_echoes) name the customer here. */
  to: text().optional(),
  id: text().min(1),
  timestamp: seconds,
  type: text(),
  text: z.object({ body: platformText() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.optional(),
  video: media.optional(),
  sticker: media.optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      name: platformText().optional(),
      address: platformText().optional(),
      url: platformText().optional(),
    })
    .optional(),
  contacts: z.array(contactCard).optional(),
  interactive: z
    .object({
      type: text(),
      button_reply: z.object({ id: platformText(), title: platformText() }).optional(),
      list_reply: z
        .object({ id: platformText(), title: platformText(), description: platformText().optional() })
        .optional(),
    })
    .optional(),
  button: z.object({ text: platformText(), payload: platformText().optional() }).optional(),
  reaction: z.object({ message_id: text(), emoji: platformText().optional() }).optional(),
  system: z.object({ body: platformText().optional() }).optional(),
  errors: z.array(error).optional(),
});
const status = z.object({
  id: text().min(1),
  status: text(),
  timestamp: seconds,
  recipient_id: text().optional(),
  biz_opaque_callback_data: text().optional(),
  errors: z.array(error).optional(),
});
const value = z.object({
  metadata: z.object({ phone_number_id: text().min(1) }).optional(),
  contacts: z
    .array(z.object({ wa_id: text(), profile: z.object({ name: platformText() }).optional() }))
    .optional(),
  messages: z.array(message).optional(),
  message_echoes: z.array(message).optional(),
  statuses: z.array(status).optional(),
});
const schema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.object({
      id: text().min(1),
      changes: z.array(z.object({ field: text(), value })),
    }),
  ),
});

type Message = z.infer<typeof message>;
const MEDIA_KINDS = ["image", "document", "audio", "video", "sticker"] as const;
// "played" is a voice message listened to: read, as far as ticks go.
const STATES: Record<string, Exclude<DeliveryState, "queued">> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "read",
  failed: "failed",
};

/**
 * Every message, business echo and status of a WhatsApp Cloud API delivery, in payload order
 * (entries → changes → messages, echoes, statuses). Fields other than `messages` and
 * `smb_message_echoes` (template and account updates) carry no events. Throws InvalidPayloadError.
 */
export function parseWhatsApp(payload: unknown): MetaEvent[] {
  const events: MetaEvent[] = [];
  for (const entry of parsePayload("WhatsApp", schema, payload).entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages" && change.field !== "smb_message_echoes") continue;
      const v = change.value;
      const accountRef = v.metadata?.phone_number_id ?? entry.id;
      const names = new Map((v.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
      for (const m of v.messages ?? []) {
        const contactName = names.get(m.from);
        events.push({ ...messageEvent(m, m.from, accountRef), ...(contactName ? { contactName } : {}) });
      }
      // Sent by the business from the WhatsApp Business app (coexistence): a staff message.
      for (const m of v.message_echoes ?? []) {
        events.push({ ...messageEvent(m, m.to ?? m.from, accountRef), fromBusiness: true });
      }
      for (const s of v.statuses ?? []) {
        const state = STATES[s.status];
        if (!state) continue; // a state we do not track (e.g. "deleted") moves nothing
        const code = s.errors?.[0]?.code;
        events.push({
          type: "status",
          platformMessageId: s.id,
          state,
          at: Number(s.timestamp) * 1000,
          accountRef,
          ...(state === "failed" ? { code: code === undefined ? "unknown" : String(code) } : {}),
          // Ties the status to our message even when it arrives before the send's answer was recorded.
          ...(s.biz_opaque_callback_data ? { sendKey: s.biz_opaque_callback_data } : {}),
        });
      }
    }
  }
  return events;
}

function messageEvent(m: Message, contactRef: string, accountRef: string): MetaEvent & { type: "message" } {
  const base = {
    type: "message" as const,
    platformId: m.id,
    contactRef,
    at: Number(m.timestamp) * 1000,
    accountRef,
  };
  const kind = MEDIA_KINDS.find((k) => k === m.type);
  const file = kind ? m[kind] : undefined;
  if (kind && file) {
    const item: InboundMedia = { kind, ref: file.id };
    if (file.mime_type) item.mimeType = file.mime_type;
    if (file.filename) item.fileName = file.filename;
    if (file.caption) item.caption = file.caption;
    return { ...base, text: file.caption ?? "", media: [item] };
  }
  return { ...base, text: messageText(m) };
}

/** The visible text of a non-media message; an unknown kind becomes a placeholder, never nothing. */
function messageText(m: Message): string {
  if (m.type === "text" && m.text) return m.text.body;
  if (m.type === "location" && m.location) return locationText(m.location);
  if (m.type === "contacts" && m.contacts) return m.contacts.map(contactText).join("\n");
  if (m.type === "interactive" && m.interactive) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    if (reply) return reply.title;
  }
  if (m.type === "button" && m.button) return m.button.text;
  if (m.type === "reaction" && m.reaction)
    return m.reaction.emoji ? `[Reacted ${m.reaction.emoji} to a message]` : "[Removed a reaction]";
  if (m.type === "system" && m.system?.body) return `[${m.system.body}]`;
  const code = m.errors?.[0]?.code;
  return `[Unsupported WhatsApp message: ${m.type}${code === undefined ? "" : ` (${code})`}]`;
}

function contactText(card: z.infer<typeof contactCard>): string {
  const name = card.name?.formatted_name ?? card.name?.first_name ?? "Unnamed";
  const details = [
    ...(card.phones ?? []).map((p) => p.phone ?? p.wa_id),
    ...(card.emails ?? []).map((e) => e.email),
    card.org?.company,
  ].filter(Boolean);
  return `👤 Contact: ${[name, ...details].join(", ")}`;
}
