import { describe, expect, it } from "vitest";
import {
  ECHO_METADATA_PREFIX,
  parseMessaging,
} from "../../../../../src/features/channels/meta/messaging-parse";
import { InvalidPayloadError, isWatermark } from "../../../../../src/features/channels/meta/meta-payload";
import { customerText, messagingDelivery } from "../../../../support/fake-meta";

const T = Date.UTC(2026, 11, 1, 12, 0, 0);
const PAGE = "109876543210";
const PSID = "2480012345678901";

describe("Messenger webhook parsing", () => {
  it("returns every message of every entry, with ms timestamps and the Page id as accountRef", () => {
    const delivery = messagingDelivery("page", [
      {
        id: PAGE,
        messaging: [
          customerText(PSID, PAGE, "m_1", T, "Hello"),
          customerText(PSID, PAGE, "m_2", T + 5, "Are you open?"),
        ],
      },
      { id: "555", messaging: [customerText("777", "555", "m_3", T + 9, "Other page")] },
    ]);
    expect(parseMessaging("Messenger", delivery)).toEqual([
      { type: "message", platformId: "m_1", contactRef: PSID, at: T, text: "Hello", accountRef: PAGE },
      {
        type: "message",
        platformId: "m_2",
        contactRef: PSID,
        at: T + 5,
        text: "Are you open?",
        accountRef: PAGE,
      },
      {
        type: "message",
        platformId: "m_3",
        contactRef: "777",
        at: T + 9,
        text: "Other page",
        accountRef: "555",
      },
    ]);
  });

  it("ignores our own echoes (our metadata) and shows echoes from Meta's apps as the business's messages", () => {
    const echo = (mid: string, extra: object) => ({
      sender: { id: PAGE },
      recipient: { id: PSID },
      timestamp: T,
      message: { mid, is_echo: true, text: "Reply", ...extra },
    });
    const events = parseMessaging(
      "Messenger",
      messagingDelivery("page", [
        {
          id: PAGE,
          messaging: [
            echo("m_ours", { app_id: 1517776481860111, metadata: `${ECHO_METADATA_PREFIX}msg_123` }),
            echo("m_inbox", { app_id: 263902037430900 }),
          ],
        },
      ]),
    );
    expect(events).toEqual([
      {
        type: "message",
        platformId: "m_ours",
        contactRef: PSID,
        at: T,
        text: "Reply",
        echo: true,
        accountRef: PAGE,
      },
      {
        type: "message",
        platformId: "m_inbox",
        contactRef: PSID,
        at: T,
        text: "Reply",
        fromBusiness: true,
        accountRef: PAGE,
      },
    ]);
  });

  it("maps delivery with mids to per-message statuses plus a watermark, and read to a watermark", () => {
    const item = (extra: object) => ({
      sender: { id: PSID },
      recipient: { id: PAGE },
      timestamp: T + 100,
      ...extra,
    });
    const events = parseMessaging(
      "Messenger",
      messagingDelivery("page", [
        {
          id: PAGE,
          messaging: [
            item({ delivery: { mids: ["m_out1", "m_out2"], watermark: T + 50 } }),
            item({ delivery: { watermark: T + 60 } }),
            item({ read: { watermark: T + 70 } }),
          ],
        },
      ]),
    );
    const watermark = (state: string, at: number) => ({
      type: "status",
      platformMessageId: `watermark:${PSID}`,
      state,
      at,
      accountRef: PAGE,
      watermark: { contactRef: PSID },
    });
    expect(events).toEqual([
      { type: "status", platformMessageId: "m_out1", state: "delivered", at: T + 50, accountRef: PAGE },
      { type: "status", platformMessageId: "m_out2", state: "delivered", at: T + 50, accountRef: PAGE },
      watermark("delivered", T + 50),
      watermark("delivered", T + 60),
      watermark("read", T + 70),
    ]);
    expect(events.map(isWatermark)).toEqual([false, false, true, true, true]);
  });

  it("turns attachments into media, and reactions, edits, postbacks and unknown attachments into visible text", () => {
    const from = (extra: object) => ({
      sender: { id: PSID },
      recipient: { id: PAGE },
      timestamp: T,
      ...extra,
    });
    const events = parseMessaging(
      "Messenger",
      messagingDelivery("page", [
        {
          id: PAGE,
          messaging: [
            from({
              message: {
                mid: "m_a",
                text: "See attached",
                attachments: [
                  { type: "image", payload: { url: "https://scontent.xx.fbcdn.net/a.jpg" } },
                  { type: "file", payload: { url: "https://cdn.fbsbx.com/b.pdf" } },
                  {
                    type: "image",
                    payload: { url: "https://scontent.xx.fbcdn.net/like.png", sticker_id: 369239263222822 },
                  },
                ],
              },
            }),
            from({
              message: {
                mid: "m_b",
                attachments: [{ type: "location", payload: { coordinates: { lat: 48.85, long: 2.35 } } }],
              },
            }),
            from({
              message: {
                mid: "m_c",
                attachments: [{ type: "fallback", payload: { title: "A link", url: "https://example.com" } }],
              },
            }),
            from({ reaction: { mid: "m_out1", action: "react", emoji: "❤️", reaction: "love" } }),
            from({ message_edit: { mid: "m_a", text: "See attached (v2)", num_edit: 1 } }),
            from({ postback: { mid: "m_pb", title: "Talk to a human", payload: "HUMAN" } }),
            from({ optin: { type: "notification_messages" } }),
          ],
        },
      ]),
    );
    expect(
      events.map((e) => (e.type === "message" ? [e.platformId, e.text, e.media ?? null] : null)),
    ).toEqual([
      [
        "m_a",
        "See attached",
        [
          { kind: "image", ref: "https://scontent.xx.fbcdn.net/a.jpg" },
          { kind: "document", ref: "https://cdn.fbsbx.com/b.pdf" },
          { kind: "sticker", ref: "https://scontent.xx.fbcdn.net/like.png" },
        ],
      ],
      ["m_b", "📍 Location: 48.85, 2.35\nhttps://maps.google.com/?q=48.85,2.35", null],
      ["m_c", "[fallback: A link] https://example.com", null],
      [`m_out1#reaction:react:${T}`, "[Reacted ❤️ to a message]", null],
      ["m_a#edit:1", "[Edited a message] See attached (v2)", null],
      ["m_pb", "Talk to a human", null],
    ]);
  });

  it("throws a validation error for a malformed delivery or another platform's object", () => {
    const noMid = messagingDelivery("page", [
      {
        id: PAGE,
        messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T, message: { text: "x" } }],
      },
    ]);
    expect(() => parseMessaging("Messenger", noMid)).toThrow(/entry\.0\.messaging\.0\.message\.mid/);
    const secondsTimestamp = messagingDelivery("page", [
      { id: PAGE, messaging: [{ ...customerText(PSID, PAGE, "m", T, "x"), timestamp: "1712345678" }] },
    ]);
    expect(() => parseMessaging("Messenger", secondsTimestamp)).toThrow(InvalidPayloadError);
    expect(() => parseMessaging("Messenger", messagingDelivery("instagram", []))).toThrow(/object/);
    expect(() => parseMessaging("Instagram", messagingDelivery("page", []))).toThrow(InvalidPayloadError);
  });
});

describe("Instagram webhook parsing", () => {
  const IG = "17841400000000000";
  const IGSID = "6123456789012345";

  it("reads messages, seen receipts by mid, unsent and unsupported messages, and shares", () => {
    const from = (extra: object) => ({
      sender: { id: IGSID },
      recipient: { id: IG },
      timestamp: T,
      ...extra,
    });
    const events = parseMessaging(
      "Instagram",
      messagingDelivery("instagram", [
        {
          id: IG,
          messaging: [
            from({ message: { mid: "aWdfZAG1", text: "hey 👋" } }),
            from({ read: { mid: "aWdfOUT1" } }),
            from({ message: { mid: "aWdfZAG2", is_deleted: true } }),
            from({ message: { mid: "aWdfZAG3", is_unsupported: true } }),
            from({
              message: {
                mid: "aWdfZAG4",
                attachments: [
                  {
                    type: "share",
                    payload: { url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1" },
                  },
                ],
              },
            }),
            {
              sender: { id: IG },
              recipient: { id: IGSID },
              timestamp: T,
              message: { mid: "aWdfECHO", is_echo: true, text: "From the app" },
            },
          ],
        },
      ]),
    );
    expect(events).toEqual([
      { type: "message", platformId: "aWdfZAG1", contactRef: IGSID, at: T, text: "hey 👋", accountRef: IG },
      { type: "status", platformMessageId: "aWdfOUT1", state: "read", at: T, accountRef: IG },
      {
        type: "message",
        platformId: "aWdfZAG2#deleted",
        contactRef: IGSID,
        at: T,
        text: "[Unsent a message]",
        accountRef: IG,
      },
      {
        type: "message",
        platformId: "aWdfZAG3",
        contactRef: IGSID,
        at: T,
        text: "[Unsupported Instagram message]",
        accountRef: IG,
      },
      {
        type: "message",
        platformId: "aWdfZAG4",
        contactRef: IGSID,
        at: T,
        text: "[share] https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
        accountRef: IG,
      },
      {
        type: "message",
        platformId: "aWdfECHO",
        contactRef: IGSID,
        at: T,
        text: "From the app",
        fromBusiness: true,
        accountRef: IG,
      },
    ]);
  });
});
