import { z } from "zod";
import { platformText } from "../../../lib/text";
import type { InboundEvent, InboundMedia } from "../channel-adapter";

// Only the fields we read; Telegram adds fields freely, so everything else passes through unchecked.
const File = z.object({
  file_id: platformText(),
  mime_type: platformText().optional(),
  file_name: platformText().optional(),
});
const Message = z
  .object({
    message_id: z.number(),
    date: z.number(),
    chat: z.object({
      id: z.number(),
      first_name: platformText().optional(),
      last_name: platformText().optional(),
      username: platformText().optional(),
      title: platformText().optional(),
    }),
    text: platformText().optional(),
    caption: platformText().optional(),
    photo: z.array(File.extend({ width: z.number().optional() })).optional(),
    document: File.optional(),
    audio: File.optional(),
    voice: File.optional(),
    video: File.optional(),
    sticker: File.extend({ emoji: platformText().optional() }).optional(),
    location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
    contact: z
      .object({
        phone_number: platformText(),
        first_name: platformText(),
        last_name: platformText().optional(),
      })
      .optional(),
  })
  .loose();
type Message = z.infer<typeof Message>;
const Update = z.object({
  update_id: z.number(),
  message: Message.optional(),
  edited_message: Message.optional(),
  callback_query: z
    .object({
      data: platformText().optional(),
      message: Message.optional(),
      from: z.object({ id: z.number() }),
    })
    .optional(),
});

/** One Telegram Update → its events (a customer message; other kinds, e.g. my_chat_member, yield none). */
export function parseUpdate(payload: unknown): InboundEvent[] {
  const update = Update.parse(payload);
  const platformId = String(update.update_id);
  const message = update.message ?? update.edited_message;
  if (message) {
    const edited = update.message ? "" : "(edited) ";
    return [
      {
        type: "message",
        platformId,
        ...contactOf(message),
        at: message.date * 1000,
        ...content(message, edited),
      },
    ];
  }
  const query = update.callback_query;
  if (query?.message)
    return [
      {
        type: "message",
        platformId,
        ...contactOf(query.message),
        at: Date.now(),
        text: `[button] ${query.data ?? ""}`.trim(),
      },
    ];
  return [];
}

function contactOf(message: Message) {
  const { chat } = message;
  const name = chat.title ?? ([chat.first_name, chat.last_name].filter(Boolean).join(" ") || chat.username);
  return { contactRef: String(chat.id), ...(name ? { contactName: name } : {}) };
}

function content(message: Message, prefix: string): { text: string; media?: InboundMedia[] } {
  const caption = message.caption ?? "";
  const media = mediaOf(message);
  if (message.text !== undefined) return { text: `${prefix}${message.text}` };
  if (media) return { text: `${prefix}${caption}`, media: [media] };
  if (message.location)
    return { text: `${prefix}📍 Location: ${message.location.latitude}, ${message.location.longitude}` };
  if (message.contact) {
    const { first_name, last_name, phone_number } = message.contact;
    return {
      text: `${prefix}👤 Contact: ${[first_name, last_name].filter(Boolean).join(" ")}, ${phone_number}`,
    };
  }
  return { text: `${prefix}[Unsupported Telegram message: ${otherKind(message)}]` };
}

function mediaOf(message: Message): InboundMedia | null {
  const caption = message.caption ? { caption: message.caption } : {};
  const photo = message.photo?.at(-1);
  if (photo) return { kind: "image", ref: photo.file_id, mimeType: "image/jpeg", ...caption };
  const file = (kind: InboundMedia["kind"], f: z.infer<typeof File>): InboundMedia => ({
    kind,
    ref: f.file_id,
    ...(f.mime_type ? { mimeType: f.mime_type } : {}),
    ...(f.file_name ? { fileName: f.file_name } : {}),
    ...caption,
  });
  if (message.document) return file("document", message.document);
  if (message.voice) return file("audio", message.voice);
  if (message.audio) return file("audio", message.audio);
  if (message.video) return file("video", message.video);
  if (message.sticker) return file("sticker", message.sticker);
  return null;
}

const KNOWN = new Set(["message_id", "date", "chat", "from", "caption", "entities", "caption_entities"]);
function otherKind(message: Message): string {
  return Object.keys(message).find((key) => !KNOWN.has(key)) ?? "unknown";
}
