import { describe, expect, it } from "vitest";
import { InvalidPayloadError } from "../../../../../src/features/channels/meta/meta-payload";
import { parseWhatsApp } from "../../../../../src/features/channels/meta/whatsapp-parse";
import { waStatus, waText, whatsappDelivery } from "../../../../support/fake-meta";

const T = Date.UTC(2026, 11, 1, 12, 0, 0);
const WABA = "102290129340398";
const PHONE = "106540352242922";

describe("WhatsApp webhook parsing", () => {
  it("returns all 3 messages and 2 statuses of one delivery, in payload order, with ms timestamps and names", () => {
    const delivery = whatsappDelivery(WABA, PHONE, [
      {
        contacts: [
          { wa_id: "4915112345678", name: "Jürgen" },
          { wa_id: "447700900123", name: "Amy" },
        ],
        messages: [
          waText("4915112345678", "wamid.A1", T, "Hallo"),
          waText("447700900123", "wamid.A2", T + 1000, "Hi there"),
          waText("4915112345678", "wamid.A3", T + 2000, "Noch da?"),
        ],
        statuses: [
          waStatus("wamid.OUT1", "delivered", T + 3000, "447700900123"),
          waStatus("wamid.OUT2", "read", T + 4000, "447700900123"),
        ],
      },
    ]);
    expect(parseWhatsApp(delivery)).toEqual([
      {
        type: "message",
        platformId: "wamid.A1",
        contactRef: "4915112345678",
        contactName: "Jürgen",
        at: T,
        text: "Hallo",
        accountRef: PHONE,
      },
      {
        type: "message",
        platformId: "wamid.A2",
        contactRef: "447700900123",
        contactName: "Amy",
        at: T + 1000,
        text: "Hi there",
        accountRef: PHONE,
      },
      {
        type: "message",
        platformId: "wamid.A3",
        contactRef: "4915112345678",
        contactName: "Jürgen",
        at: T + 2000,
        text: "Noch da?",
        accountRef: PHONE,
      },
      {
        type: "status",
        platformMessageId: "wamid.OUT1",
        state: "delivered",
        at: T + 3000,
        accountRef: PHONE,
      },
      { type: "status", platformMessageId: "wamid.OUT2", state: "read", at: T + 4000, accountRef: PHONE },
    ]);
  });

  it("reads every entry and every change, and routes each by its phone number id", () => {
    const first = whatsappDelivery(WABA, PHONE, [
      { messages: [waText("1", "wamid.B1", T, "one")] },
      { messages: [waText("2", "wamid.B2", T, "two")] },
    ]);
    const second = whatsappDelivery("999", "888", [{ statuses: [waStatus("wamid.OUT3", "sent", T, "3")] }]);
    const events = parseWhatsApp({ ...first, entry: [...first.entry, ...second.entry] });
    expect(events.map((e) => [e.type, e.accountRef])).toEqual([
      ["message", PHONE],
      ["message", PHONE],
      ["status", "888"],
    ]);
  });

  it("turns media into media refs, locations and contacts into text, and anything else into a visible placeholder", () => {
    const base = (id: string, type: string, extra: object) => ({
      from: "1",
      id,
      timestamp: String(T / 1000),
      type,
      ...extra,
    });
    const events = parseWhatsApp(
      whatsappDelivery(WABA, PHONE, [
        {
          messages: [
            base("m1", "image", {
              image: { id: "MEDIA1", mime_type: "image/jpeg", sha256: "x", caption: "My car" },
            }),
            base("m2", "document", {
              document: { id: "MEDIA2", mime_type: "application/pdf", filename: "policy.pdf" },
            }),
            base("m3", "audio", {
              audio: { id: "MEDIA3", mime_type: "audio/ogg; codecs=opus", voice: true },
            }),
            base("m4", "sticker", { sticker: { id: "MEDIA4", mime_type: "image/webp", animated: false } }),
            base("m5", "location", {
              location: { latitude: 52.52, longitude: 13.405, name: "Office", address: "Unter den Linden 1" },
            }),
            base("m6", "contacts", {
              contacts: [
                {
                  name: { formatted_name: "Ada Lovelace" },
                  phones: [{ phone: "+44 20 7946 0000", wa_id: "442079460000" }],
                  emails: [{ email: "ada@example.com" }],
                },
              ],
            }),
            base("m7", "reaction", { reaction: { message_id: "wamid.OUT1", emoji: "👍" } }),
            base("m8", "reaction", { reaction: { message_id: "wamid.OUT1" } }),
            base("m9", "interactive", {
              interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes please" } },
            }),
            base("m10", "unsupported", { errors: [{ code: 131051, title: "Message type unknown" }] }),
            base("m11", "order", { order: { catalog_id: "1", product_items: [] } }),
          ],
        },
      ]),
    );
    expect(
      events.map((e) => (e.type === "message" ? [e.platformId, e.text, e.media ?? null] : null)),
    ).toEqual([
      ["m1", "My car", [{ kind: "image", ref: "MEDIA1", mimeType: "image/jpeg", caption: "My car" }]],
      ["m2", "", [{ kind: "document", ref: "MEDIA2", mimeType: "application/pdf", fileName: "policy.pdf" }]],
      ["m3", "", [{ kind: "audio", ref: "MEDIA3", mimeType: "audio/ogg; codecs=opus" }]],
      ["m4", "", [{ kind: "sticker", ref: "MEDIA4", mimeType: "image/webp" }]],
      [
        "m5",
        "📍 Location: Office, Unter den Linden 1 (52.52, 13.405)\nhttps://maps.google.com/?q=52.52,13.405",
        null,
      ],
      ["m6", "👤 Contact: Ada Lovelace, +44 20 7946 0000, ada@example.com", null],
      ["m7", "[Reacted 👍 to a message]", null],
      ["m8", "[Removed a reaction]", null],
      ["m9", "Yes please", null],
      ["m10", "[Unsupported WhatsApp message: unsupported (131051)]", null],
      ["m11", "[Unsupported WhatsApp message: order]", null],
    ]);
  });

  it("marks messages the business sent from the WhatsApp Business app as fromBusiness, with the customer as contact", () => {
    const echo = {
      from: "15550100",
      to: "4915112345678",
      id: "wamid.E1",
      timestamp: String(T / 1000),
      type: "text",
      text: { body: "Sent from the phone" },
    };
    expect(
      parseWhatsApp(whatsappDelivery(WABA, PHONE, [{ field: "smb_message_echoes", messages: [echo] }])),
    ).toEqual([
      {
        type: "message",
        platformId: "wamid.E1",
        contactRef: "4915112345678",
        at: T,
        text: "Sent from the phone",
        fromBusiness: true,
        accountRef: PHONE,
      },
    ]);
  });

  it("gives a failed status its error code, maps played to read, skips states it does not track and names our send key", () => {
    const events = parseWhatsApp(
      whatsappDelivery(WABA, PHONE, [
        {
          statuses: [
            waStatus("wamid.OUT1", "failed", T, "1", 131047),
            waStatus("wamid.OUT2", "played", T, "1"),
            waStatus("wamid.OUT3", "deleted", T, "1"),
            { ...waStatus("wamid.OUT4", "sent", T, "1"), biz_opaque_callback_data: "msg_42" },
          ],
        },
      ]),
    );
    expect(events).toEqual([
      {
        type: "status",
        platformMessageId: "wamid.OUT1",
        state: "failed",
        at: T,
        code: "131047",
        accountRef: PHONE,
      },
      { type: "status", platformMessageId: "wamid.OUT2", state: "read", at: T, accountRef: PHONE },
      {
        type: "status",
        platformMessageId: "wamid.OUT4",
        state: "sent",
        at: T,
        accountRef: PHONE,
        sendKey: "msg_42",
      },
    ]);
  });

  it("yields nothing for fields that carry no conversation (template status updates)", () => {
    const delivery = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: WABA,
          changes: [
            { field: "message_template_status_update", value: { event: "APPROVED", message_template_id: 1 } },
          ],
        },
      ],
    };
    expect(parseWhatsApp(delivery)).toEqual([]);
  });

  it("keeps a message whose text Postgres could not store, with those characters replaced, and its batch-mates", () => {
    const events = parseWhatsApp(
      whatsappDelivery(WABA, PHONE, [
        {
          messages: [
            waText("1", "wamid.C1", T, "nul\u0000 and \ud800 lone"),
            waText("1", "wamid.C2", T, "fine"),
          ],
        },
      ]),
    );
    expect(events.map((e) => (e.type === "message" ? e.text : null))).toEqual([
      "nul\ufffd and \ufffd lone",
      "fine",
    ]);
  });

  it("throws a validation error naming the path for a malformed delivery", () => {
    const missingId = whatsappDelivery(WABA, PHONE, [
      { messages: [{ from: "1", timestamp: "1", type: "text", text: { body: "x" } }] },
    ]);
    expect(() => parseWhatsApp(missingId)).toThrow(InvalidPayloadError);
    expect(() => parseWhatsApp(missingId)).toThrow(/entry\.0\.changes\.0\.value\.messages\.0\.id/);
    const msTimestamp = whatsappDelivery(WABA, PHONE, [
      { messages: [{ ...waText("1", "w", T, "x"), timestamp: "1712345678.5" }] },
    ]);
    expect(() => parseWhatsApp(msTimestamp)).toThrow(/timestamp: must be unix seconds/);
    expect(() => parseWhatsApp({ object: "page", entry: [] })).toThrow(InvalidPayloadError);
    expect(() => parseWhatsApp("not json")).toThrow(InvalidPayloadError);
    expect(() =>
      parseWhatsApp(whatsappDelivery(WABA, PHONE, [{ messages: [waText("1", "wamid.\u0000", T, "x")] }])),
    ).toThrow(/must not contain NUL/);
  });
});
