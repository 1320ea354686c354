import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  GRAPH_VERSION,
  instagramApiBase,
  instagramPlatform,
  messengerPlatform,
  whatsappPlatform,
} from "../../../src/features/channels/meta";
import { OutboundError } from "../../../src/providers/outbound";
import { fakeMeta, signedDelivery, waStatus, waText, whatsappDelivery } from "../../support/fake-meta";

// The production code path (platform → graph client → outbound module → fetch) against the fake Graph API.
const deps = { allowPrivate: true };
const whatsapp = whatsappPlatform(deps);
const messenger = messengerPlatform(deps);
const instagram = instagramPlatform(deps);
const wa = {
  phoneNumberId: "106540352242922",
  businessAccountId: "102290129340398",
  accessToken: "EAAG-wa-token",
  appSecret: "s",
};
const page = { pageId: "109876543210", pageToken: "EAAG-page-token", appSecret: "s" };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe("WhatsApp Cloud API platform", () => {
  it("verifies a signed delivery with the channel's app secret and parses all of it", async () => {
    const at = Date.UTC(2026, 11, 1, 12);
    const payload = whatsappDelivery(wa.businessAccountId, wa.phoneNumberId, [
      {
        messages: [
          waText("1", "wamid.1", at, "a"),
          waText("2", "wamid.2", at, "b"),
          waText("1", "wamid.3", at, "c"),
        ],
        statuses: [
          waStatus("wamid.O1", "delivered", at, "1"),
          waStatus("wamid.O2", "failed", at, "2", 131026),
        ],
      },
    ]);
    const { bytes, headers } = await signedDelivery(payload, "app-secret-1");
    const raw = bytes.buffer as ArrayBuffer;
    expect(await whatsapp.verify(raw, new Headers(headers), { ...wa, appSecret: "app-secret-2" }, "")).toBe(
      false,
    );
    expect(await whatsapp.verify(raw, new Headers(headers), { ...wa, appSecret: "app-secret-1" }, "")).toBe(
      true,
    );
    const events = whatsapp.parse(JSON.parse(new TextDecoder().decode(bytes)));
    expect(
      events.map((e) => (e.type === "message" ? e.platformId : `${e.platformMessageId}:${e.state}`)),
    ).toEqual(["wamid.1", "wamid.2", "wamid.3", "wamid.O1:delivered", "wamid.O2:failed"]);
  });

  it("sends a text to the phone number's messages edge with the token and returns the wamid", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const result = await whatsapp.send(
      wa,
      meta.facebookBase,
      "4915112345678",
      { kind: "text", text: "Hallo 👋" },
      "msg_1",
    );
    expect(result).toEqual({ ok: true, platformMessageId: expect.stringMatching(/^wamid\./) });
    expect(await meta.calls()).toEqual([
      {
        method: "POST",
        host: "facebook",
        path: `/${wa.phoneNumberId}/messages`,
        query: {},
        authorization: "Bearer EAAG-wa-token",
        body: {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: "4915112345678",
          biz_opaque_callback_data: "msg_1",
          type: "text",
          text: { body: "Hallo 👋", preview_url: false },
        },
      },
    ]);
  });

  it("sends a template with its name, language and body parameters", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const message = {
      kind: "template" as const,
      name: "order_update",
      language: "en_US",
      parameters: ["Ada", "#1234"],
    };
    expect((await whatsapp.send(wa, meta.facebookBase, "447700900123", message, "msg_2")).ok).toBe(true);
    const [call] = await meta.calls();
    expect(call?.body).toMatchObject({
      type: "template",
      template: {
        name: "order_update",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Ada" },
              { type: "text", text: "#1234" },
            ],
          },
        ],
      },
    });
  });

  it("types Graph errors: window closed, rate limited with the wait, token invalid, undeliverable with its code", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const route = `POST /${wa.phoneNumberId}/messages`;
    const send = () => whatsapp.send(wa, meta.facebookBase, "1", { kind: "text", text: "hi" }, "k");
    await meta.script(route, { error: { code: 131047, message: "Re-engagement message" }, times: 1 });
    expect(await send()).toEqual({ ok: false, failure: "WINDOW_CLOSED", code: "131047" });
    await meta.script(route, {
      status: 429,
      error: { code: 130429, message: "Rate limit hit" },
      headers: { "Retry-After": "2" },
      times: 1,
    });
    expect(await send()).toEqual({ ok: false, failure: "RATE_LIMITED", code: "130429", retryAfterMs: 2000 });
    await meta.script(route, {
      status: 401,
      error: { code: 190, error_subcode: 460, message: "Session invalidated" },
      times: 1,
    });
    expect(await send()).toEqual({ ok: false, failure: "TOKEN_INVALID", code: "190.460" });
    await meta.script(route, { error: { code: 131026, message: "Message undeliverable" }, times: 1 });
    expect(await send()).toEqual({ ok: false, failure: "UNDELIVERABLE", code: "131026" });
    expect((await send()).ok).toBe(true);
  });

  it("refuses an empty or over-long text without calling Meta", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const send = (text: string) => whatsapp.send(wa, meta.facebookBase, "1", { kind: "text", text }, "k");
    expect(await send("  ")).toEqual({ ok: false, failure: "UNDELIVERABLE", code: "empty_text" });
    expect(await send("x".repeat(4097))).toEqual({
      ok: false,
      failure: "UNDELIVERABLE",
      code: "text_too_long",
    });
    expect(await meta.calls()).toEqual([]);
  });

  it("checks the token by reading the phone number, and reports a revoked token", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.profile({
      id: wa.phoneNumberId,
      display_phone_number: "+1 555-0100",
      verified_name: "Acme Support",
      quality_rating: "GREEN",
    });
    expect(await whatsapp.whoAmI(wa, meta.facebookBase)).toEqual({
      ok: true,
      name: "Acme Support · +1 555-0100",
    });
    const [call] = await meta.calls();
    expect(call).toMatchObject({
      method: "GET",
      path: `/${wa.phoneNumberId}`,
      query: { fields: "display_phone_number,verified_name,quality_rating" },
    });
    await meta.script("*", { error: { code: 190, message: "Error validating access token" } });
    expect(await whatsapp.whoAmI(wa, meta.facebookBase)).toEqual({
      ok: false,
      failure: "TOKEN_INVALID",
      code: "190",
    });
  });

  it("fetches media by id: the URL Graph names, downloaded with the token, capped in size", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    await meta.media("1037543291543636", jpeg, "image/jpeg");
    const media = await whatsapp.fetchMedia(wa, meta.facebookBase, "1037543291543636", 1024);
    expect(media.mimeType).toBe("image/jpeg");
    expect([...media.bytes]).toEqual([...jpeg]);
    expect((await meta.calls()).map((c) => [c.host, c.path, c.authorization])).toEqual([
      ["facebook", "/1037543291543636", "Bearer EAAG-wa-token"],
      ["lookaside", "/lookaside/1037543291543636", "Bearer EAAG-wa-token"],
    ]);
    const tooLarge = await failure(whatsapp.fetchMedia(wa, meta.facebookBase, "1037543291543636", 4));
    expect(tooLarge).toBeInstanceOf(OutboundError);
    expect(tooLarge).toMatchObject({ kind: "too_large" });
    expect((await meta.calls()).length).toBe(3);
  });

  it("throws when the Graph API does not answer in time (the queue retries), instead of guessing a result", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.script(`POST /${wa.phoneNumberId}/messages`, { delayMs: 1000, json: {} });
    const impatient = whatsappPlatform({ allowPrivate: true, timeoutMs: 100 });
    const error = await failure(
      impatient.send(wa, meta.facebookBase, "1", { kind: "text", text: "hi" }, "k"),
    );
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ kind: "timeout" });
  });
});

describe("Messenger platform", () => {
  it("replies as RESPONSE with our metadata, and a human's late reply as MESSAGE_TAG HUMAN_AGENT", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const first = await messenger.send(
      page,
      meta.facebookBase,
      "2480012345678901",
      { kind: "text", text: "Hi!" },
      "msg_9",
    );
    expect(first).toEqual({ ok: true, platformMessageId: expect.stringMatching(/^m_/) });
    await messenger.send(
      page,
      meta.facebookBase,
      "2480012345678901",
      { kind: "text", text: "Still there?", humanAgent: true },
      "msg_10",
    );
    const calls = await meta.calls();
    expect(calls.map((c) => [c.path, c.authorization, c.body])).toEqual([
      [
        `/${page.pageId}/messages`,
        "Bearer EAAG-page-token",
        {
          recipient: { id: "2480012345678901" },
          messaging_type: "RESPONSE",
          message: { text: "Hi!", metadata: "switchboard:msg_9" },
        },
      ],
      [
        `/${page.pageId}/messages`,
        "Bearer EAAG-page-token",
        {
          recipient: { id: "2480012345678901" },
          messaging_type: "MESSAGE_TAG",
          tag: "HUMAN_AGENT",
          message: { text: "Still there?", metadata: "switchboard:msg_10" },
        },
      ],
    ]);
  });

  it("recognises the echo of its own send by the metadata it sent", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const sent = await messenger.send(
      page,
      meta.facebookBase,
      "2480012345678901",
      { kind: "text", text: "Hi!" },
      "msg_11",
    );
    if (!sent.ok) throw new Error("send failed");
    const [call] = await meta.calls();
    const metadata = (call?.body as { message?: { metadata?: string } } | undefined)?.message?.metadata;
    const echo = {
      object: "page",
      entry: [
        {
          id: page.pageId,
          time: Date.now(),
          messaging: [
            {
              sender: { id: page.pageId },
              recipient: { id: "2480012345678901" },
              timestamp: Date.now(),
              message: {
                mid: sent.platformMessageId,
                is_echo: true,
                app_id: 1517776481860111,
                metadata,
                text: "Hi!",
              },
            },
          ],
        },
      ],
    };
    expect(messenger.parse(echo)).toMatchObject([
      { type: "message", echo: true, contactRef: "2480012345678901" },
    ]);
  });

  it("maps an outside-window (#10) to WINDOW_CLOSED and refuses a template locally", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.script(`POST /${page.pageId}/messages`, {
      error: {
        code: 10,
        error_subcode: 2018278,
        message: "(#10) This message is sent outside of allowed window.",
      },
    });
    expect(await messenger.send(page, meta.facebookBase, "1", { kind: "text", text: "late" }, "k")).toEqual({
      ok: false,
      failure: "WINDOW_CLOSED",
      code: "10.2018278",
    });
    const template = { kind: "template" as const, name: "x", language: "en", parameters: [] };
    expect(await messenger.send(page, meta.facebookBase, "1", template, "k")).toEqual({
      ok: false,
      failure: "UNDELIVERABLE",
      code: "template_unsupported",
    });
    expect((await meta.calls()).length).toBe(1);
  });

  it("checks that the token belongs to the channel's Page", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.profile({ id: page.pageId, name: "Acme" });
    expect(await messenger.whoAmI(page, meta.facebookBase)).toEqual({ ok: true, name: "Acme" });
    expect((await meta.calls())[0]).toMatchObject({ path: "/me", query: { fields: "id,name" } });
    await meta.profile({ id: "999", name: "Someone else's page" });
    expect(await messenger.whoAmI(page, meta.facebookBase)).toEqual({
      ok: false,
      failure: "TOKEN_INVALID",
      code: "wrong_page",
    });
  });

  it("downloads an attachment URL without sending the token", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.media("photo.png", new Uint8Array([137, 80, 78, 71]), "image/png");
    const media = await messenger.fetchMedia(page, meta.facebookBase, meta.cdnUrl("photo.png"), 1024);
    expect(media).toEqual({ bytes: new Uint8Array([137, 80, 78, 71]), mimeType: "image/png" });
    expect((await meta.calls()).map((c) => c.authorization)).toEqual([null]);
  });

  it("fetches nothing from a URL that is not on Meta's media hosts", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.media("photo.png", new Uint8Array([137, 80, 78, 71]), "image/png");
    const strict = messengerPlatform({ allowPrivate: false });
    for (const url of [meta.cdnUrl("photo.png"), "https://attacker.example/photo.png"]) {
      const error = await failure(strict.fetchMedia(page, meta.facebookBase, url, 1024));
      expect(error).toMatchObject({
        kind: "refused",
        message: "The media URL is not on one of Meta's media hosts",
      });
    }
    expect(await meta.calls()).toEqual([]);
  });
});

describe("Instagram platform", () => {
  const account = { accountId: "17841400000000000", accessToken: "IGAA-token", appSecret: "s" };

  it("calls graph.instagram.com for Instagram Login and graph.facebook.com for Facebook Login", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    const bases = { facebook: meta.facebookBase, instagram: meta.instagramBase };
    for (const login of ["instagram", "facebook"] as const) {
      const config = { ...account, login };
      const result = await instagram.send(
        config,
        instagramApiBase(config, bases),
        "6123456789012345",
        { kind: "text", text: "hey" },
        "k",
      );
      expect(result.ok).toBe(true);
    }
    expect((await meta.calls()).map((c) => [c.host, c.path, c.body])).toEqual([
      [
        "instagram",
        "/me/messages",
        { recipient: { id: "6123456789012345" }, messaging_type: "RESPONSE", message: { text: "hey" } },
      ],
      [
        "facebook",
        "/me/messages",
        { recipient: { id: "6123456789012345" }, messaging_type: "RESPONSE", message: { text: "hey" } },
      ],
    ]);
  });

  it("checks the token against the account under either login", async () => {
    const meta = fakeMeta(env.FAKE_SERVICES_URL);
    await meta.profile({ id: "0", user_id: account.accountId, username: "acme" });
    const viaInstagram = { ...account, login: "instagram" as const };
    expect(await instagram.whoAmI(viaInstagram, meta.instagramBase)).toEqual({ ok: true, name: "@acme" });
    const viaFacebook = { ...account, login: "facebook" as const };
    expect(await instagram.whoAmI(viaFacebook, meta.facebookBase)).toEqual({ ok: true, name: "@acme" });
    expect((await meta.calls()).map((c) => [c.host, c.path, c.query.fields])).toEqual([
      ["instagram", "/me", "user_id,username"],
      ["facebook", `/${account.accountId}`, "id,username"],
    ]);
    expect(GRAPH_VERSION).toMatch(/^v\d+\.\d+$/);
  });
});
