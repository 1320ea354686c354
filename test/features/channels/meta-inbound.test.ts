import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { type Channel, channelConversations, eventually, messagesOf } from "../../support/channels";
import {
  graphAccount,
  messagingDelivery,
  signedDelivery,
  waStatus,
  waText,
  whatsappDelivery,
} from "../../support/fake-meta";
import {
  connectMeta,
  customerDelivery,
  customerWrites,
  deliverMeta,
  deliveryOf,
  messageId,
  nextSendId,
  staffReply,
} from "../../support/meta-channels";

const contact = () => String(Math.floor(1e10 + Math.random() * 9e10));

describe("Meta channels: connecting", () => {
  it("checks each platform's token with its who-am-I call when the channel is created", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const page = await connectMeta(tenant, "messenger");
    const ig = await connectMeta(tenant, "instagram");
    expect(await wa.graph.calls()).toMatchObject([
      {
        method: "GET",
        host: "facebook",
        path: `/${wa.account}`,
        query: { fields: "display_phone_number,verified_name,quality_rating" },
        authorization: `Bearer ${wa.token}`,
      },
    ]);
    expect(await page.graph.calls()).toMatchObject([{ method: "GET", host: "facebook", path: "/me" }]);
    // Instagram Login: graph.instagram.com.
    expect(await ig.graph.calls()).toMatchObject([
      { method: "GET", host: "instagram", path: "/me", query: { fields: "user_id,username" } },
    ]);
    const test = await callJson<{ ok: boolean; checks: { name: string; ok: boolean; detail: object }[] }>(
      `/api/channels/${wa.channel.id}/test`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(test.checks[0]).toEqual({
      name: "token",
      ok: true,
      detail: { name: "Acme Support · +1 555-0100" },
    });
    expect(test.checks[2]).toMatchObject({ name: "inbound", ok: false });
    expect(wa.channel.config).toEqual({
      phoneNumberId: wa.account,
      businessAccountId: wa.config.businessAccountId,
      configured: true,
    });
    // The first test of a file also pays for warming the Worker up.
  }, 30_000);

  it("refuses a token Meta rejects (190) or one of another Page, and stores nothing", async () => {
    const tenant = await registerTenant();
    const token = `EAAG-${crypto.randomUUID()}`;
    await graphAccount(env.FAKE_SERVICES_URL, token).script("GET /me", {
      status: 400,
      error: { code: 190, error_subcode: 460, message: "Error validating access token" },
    });
    const refused = await call("/api/channels", {
      token: tenant.accessToken,
      json: {
        type: "messenger",
        name: "Page",
        config: { pageId: "123456", pageToken: token, appSecret: "s3cret-app" },
      },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("TOKEN_INVALID");
    const other = `EAAG-${crypto.randomUUID()}`;
    await graphAccount(env.FAKE_SERVICES_URL, other).profile({ id: "999", name: "Someone else" });
    const wrongPage = await call("/api/channels", {
      token: tenant.accessToken,
      json: {
        type: "messenger",
        name: "Page",
        config: { pageId: "123456", pageToken: other, appSecret: "s3cret-app" },
      },
    });
    expect(wrongPage.status).toBe(400);
    expect(
      (await callJson<{ data: Channel[] }>("/api/channels", { token: tenant.accessToken }, 200)).data,
    ).toEqual([]);
  });

  it("answers Meta's handshake with the challenge for the verify token, and 403 otherwise", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const handshake = (token: string) =>
      call(
        `/webhooks/meta/${wa.channel.id}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
      );
    const ok = await handshake(wa.verifyToken);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await handshake(`${wa.verifyToken}x`)).status).toBe(403);
    expect((await handshake("")).status).toBe(403);
    const other = await connectMeta(tenant, "messenger");
    expect((await handshake(other.verifyToken)).status).toBe(403);
  });
});

describe("Meta channels: inbound", () => {
  it("answers 401 to a delivery whose signature is not over its bytes with the app secret, and stores nothing", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const from = contact();
    const forged = customerDelivery(wa, from, messageId(wa), "forged");
    expect((await deliverMeta(wa.channel.id, forged, "another-app-secret")).status).toBe(401);
    const signed = await signedDelivery(forged, wa.appSecret);
    const tampered = signed.body.replace("forged", "forgeD");
    expect(
      (await call(`/webhooks/meta/${wa.channel.id}`, { body: tampered, headers: signed.headers })).status,
    ).toBe(401);
    expect(
      (
        await call(`/webhooks/meta/${wa.channel.id}`, {
          body: signed.body,
          headers: { "Content-Type": "application/json" },
        })
      ).status,
    ).toBe(401);
    // Meta's own bytes (unicode escaped) verify; the same JSON re-serialised by us would not.
    const conversation = await customerWrites(tenant, wa, from, "genuine ✓");
    expect((await messagesOf(tenant, conversation.id)).map((m) => m.text)).toEqual(["genuine ✓"]);
    expect(await channelConversations(tenant, wa.channel.id, "whatsapp")).toHaveLength(1);
  });

  it("handles every message and status of a batch: 3 messages from two customers and 2 statuses", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const [ada, bob] = [contact(), contact()];
    const conversation = await customerWrites(tenant, wa, ada, "first");
    await nextSendId(wa, "wamid.OUT1");
    const one = await staffReply(tenant, conversation.id, { text: "reply one" });
    await deliveryOf(tenant, conversation.id, one.id, "sent");
    await nextSendId(wa, "wamid.OUT2");
    const two = await staffReply(tenant, conversation.id, { text: "reply two" });
    await deliveryOf(tenant, conversation.id, two.id, "sent");
    const at = Date.now();
    const batch = whatsappDelivery(String(wa.config.businessAccountId), wa.account, [
      {
        messages: [waText(ada, messageId(wa), at, "a1"), waText(bob, messageId(wa), at, "b1")],
        contacts: [{ wa_id: bob, name: "Bob" }],
        statuses: [waStatus("wamid.OUT1", "delivered", at, ada)],
      },
      {
        messages: [waText(ada, messageId(wa), at + 1000, "a2")],
        statuses: [waStatus("wamid.OUT2", "read", at, ada)],
      },
    ]);
    expect((await deliverMeta(wa.channel.id, batch, wa.appSecret)).status).toBe(200);
    await deliveryOf(tenant, conversation.id, one.id, "delivered");
    await deliveryOf(tenant, conversation.id, two.id, "read");
    const texts = await eventually(async () => {
      const found = (await messagesOf(tenant, conversation.id)).map((m) => m.text);
      return found.includes("a2") ? found : undefined;
    });
    expect(texts).toEqual(["first", "reply one", "reply two", "a1", "a2"]);
    const conversations = await channelConversations(tenant, wa.channel.id, "whatsapp");
    const bobs = conversations.find((c) => c.id !== conversation.id);
    expect((await messagesOf(tenant, String(bobs?.id))).map((m) => m.text)).toEqual(["b1"]);
  });

  it("keeps one message when Meta delivers the same message five times", async () => {
    const tenant = await registerTenant();
    const page = await connectMeta(tenant, "messenger");
    const psid = contact();
    const delivery = customerDelivery(page, psid, messageId(page), "only once");
    for (let i = 0; i < 5; i++)
      expect((await deliverMeta(page.channel.id, delivery, page.appSecret)).status).toBe(200);
    const conversation = await customerWrites(tenant, page, psid, "sentinel");
    expect((await messagesOf(tenant, conversation.id)).map((m) => m.text).sort()).toEqual([
      "only once",
      "sentinel",
    ]);
    expect(await channelConversations(tenant, page.channel.id, "messenger")).toHaveLength(1);
  });

  it("never moves a status back when Meta's statuses arrive out of order, and lets delivered be skipped", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const ada = contact();
    const conversation = await customerWrites(tenant, wa, ada, "hi");
    await nextSendId(wa, "wamid.R1");
    const first = await staffReply(tenant, conversation.id, { text: "one" });
    await deliveryOf(tenant, conversation.id, first.id, "sent");
    await nextSendId(wa, "wamid.R2");
    const second = await staffReply(tenant, conversation.id, { text: "two" });
    await deliveryOf(tenant, conversation.id, second.id, "sent");
    const at = Date.now();
    const statuses = (list: unknown[]) =>
      deliverMeta(
        wa.channel.id,
        whatsappDelivery(String(wa.config.businessAccountId), wa.account, [{ statuses: list }]),
        wa.appSecret,
      );
    // Read first, then the older delivered and sent: the message stays read.
    await statuses([waStatus("wamid.R1", "read", at, ada)]);
    await deliveryOf(tenant, conversation.id, first.id, "read");
    await statuses([
      waStatus("wamid.R1", "delivered", at - 2000, ada),
      waStatus("wamid.R1", "sent", at - 3000, ada),
    ]);
    // sent → read directly for the second (no delivered ever came); then the first is read-checked again.
    await statuses([waStatus("wamid.R2", "read", at, ada)]);
    await deliveryOf(tenant, conversation.id, second.id, "read");
    expect((await messagesOf(tenant, conversation.id)).find((m) => m.id === first.id)?.delivery).toEqual({
      state: "read",
    });
  });

  it("ignores the echoes of its own sends and shows what the business sent from Meta's apps as staff messages", async () => {
    const tenant = await registerTenant();
    const page = await connectMeta(tenant, "messenger");
    const ig = await connectMeta(tenant, "instagram");
    const wa = await connectMeta(tenant, "whatsapp");
    const psid = contact();
    const igsid = contact();
    const waId = contact();
    const pageConversation = await customerWrites(tenant, page, psid, "hello page");
    const igConversation = await customerWrites(tenant, ig, igsid, "hello insta");
    const waConversation = await customerWrites(tenant, wa, waId, "hello wa");
    const ours = await staffReply(tenant, pageConversation.id, { text: "from switchboard" });
    await deliveryOf(tenant, pageConversation.id, ours.id, "sent");
    await nextSendId(ig, "m_IG_OURS");
    const igOurs = await staffReply(tenant, igConversation.id, { text: "from switchboard" });
    await deliveryOf(tenant, igConversation.id, igOurs.id, "sent");
    const now = Date.now();
    const echo = (account: string, to: string, mid: string, text: string, metadata?: string) => ({
      sender: { id: account },
      recipient: { id: to },
      timestamp: now,
      message: { mid, text, is_echo: true, app_id: 1234, ...(metadata ? { metadata } : {}) },
    });
    await deliverMeta(
      page.channel.id,
      messagingDelivery("page", [
        {
          id: page.account,
          messaging: [
            echo(page.account, psid, messageId(page), "from switchboard", `switchboard:${ours.id}`),
            echo(page.account, psid, messageId(page), "typed in the Page inbox"),
          ],
        },
      ]),
      page.appSecret,
    );
    await deliverMeta(
      ig.channel.id,
      messagingDelivery("instagram", [
        {
          id: ig.account,
          messaging: [
            echo(ig.account, igsid, "m_IG_OURS", "from switchboard"),
            echo(ig.account, igsid, messageId(ig), "typed in the Instagram app"),
          ],
        },
      ]),
      ig.appSecret,
    );
    await deliverMeta(
      wa.channel.id,
      whatsappDelivery(String(wa.config.businessAccountId), wa.account, [
        {
          field: "smb_message_echoes",
          messages: [{ ...waText(wa.account, messageId(wa), now, "typed in the Business app"), to: waId }],
        },
      ]),
      wa.appSecret,
    );
    for (const [m, conversation, text] of [
      [page, pageConversation, "typed in the Page inbox"],
      [ig, igConversation, "typed in the Instagram app"],
      [wa, waConversation, "typed in the Business app"],
    ] as const) {
      const messages = await eventually(async () => {
        const found = await messagesOf(tenant, conversation.id);
        return found.some((msg) => msg.text === text) ? found : undefined;
      });
      expect(messages.find((msg) => msg.text === text)?.sender).toEqual({
        kind: "integration",
        id: `channel:${m.channel.id}`,
      });
      // Our own send is there once (the echo was dropped), and the business's message is not sent back.
      expect(messages.filter((msg) => msg.text === "from switchboard")).toHaveLength(m === wa ? 0 : 1);
      expect((await m.graph.calls()).filter((c) => c.method === "POST")).toHaveLength(m === wa ? 0 : 1);
    }
  });

  it("applies Messenger's delivery and read watermarks to earlier replies only, and Instagram's seen per message", async () => {
    const tenant = await registerTenant();
    const page = await connectMeta(tenant, "messenger");
    const psid = contact();
    const conversation = await customerWrites(tenant, page, psid, "hi");
    const early = await staffReply(tenant, conversation.id, { text: "early" });
    await deliveryOf(tenant, conversation.id, early.id, "sent");
    const watermark = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = await staffReply(tenant, conversation.id, { text: "late" });
    await deliveryOf(tenant, conversation.id, late.id, "sent");
    const item = (kind: "delivery" | "read") => ({
      sender: { id: psid },
      recipient: { id: page.account },
      timestamp: Date.now(),
      [kind]: { watermark },
    });
    await deliverMeta(
      page.channel.id,
      messagingDelivery("page", [{ id: page.account, messaging: [item("delivery")] }]),
      page.appSecret,
    );
    await deliveryOf(tenant, conversation.id, early.id, "delivered");
    await deliverMeta(
      page.channel.id,
      messagingDelivery("page", [{ id: page.account, messaging: [item("read")] }]),
      page.appSecret,
    );
    await deliveryOf(tenant, conversation.id, early.id, "read");
    expect((await messagesOf(tenant, conversation.id)).find((m) => m.id === late.id)?.delivery).toEqual({
      state: "sent",
    });

    const ig = await connectMeta(tenant, "instagram");
    const igsid = contact();
    const igConversation = await customerWrites(tenant, ig, igsid, "hi");
    await nextSendId(ig, "m_IG_SEEN");
    const seen = await staffReply(tenant, igConversation.id, { text: "seen?" });
    await deliveryOf(tenant, igConversation.id, seen.id, "sent");
    await deliverMeta(
      ig.channel.id,
      messagingDelivery("instagram", [
        {
          id: ig.account,
          messaging: [
            {
              sender: { id: igsid },
              recipient: { id: ig.account },
              timestamp: Date.now(),
              read: { mid: "m_IG_SEEN" },
            },
          ],
        },
      ]),
      ig.appSecret,
    );
    await deliveryOf(tenant, igConversation.id, seen.id, "read");
  });
});

describe("Meta channels: tenant isolation", () => {
  it("never lets a signed delivery for tenant A's channel touch tenant B", async () => {
    const a = await registerTenant();
    const b = await registerTenant();
    const channelA = await connectMeta(a, "whatsapp");
    const channelB = await connectMeta(b, "whatsapp");
    const from = contact();
    // A's delivery, signed with A's app secret, at B's URL: refused.
    const forA = customerDelivery(channelA, from, messageId(channelA), "for A");
    expect((await deliverMeta(channelB.channel.id, forA, channelA.appSecret)).status).toBe(401);
    // At A's URL, entries for B's number (Meta sends one app's events to one URL) are not A's either.
    const forBsNumber = customerDelivery(channelB, from, messageId(channelB), "for B's number");
    expect((await deliverMeta(channelA.channel.id, forBsNumber, channelA.appSecret)).status).toBe(200);
    const conversation = await customerWrites(a, channelA, from, "for A");
    expect((await messagesOf(a, conversation.id)).map((m) => m.text)).toEqual(["for A"]);
    expect(await channelConversations(b, channelB.channel.id, "whatsapp")).toEqual([]);
    expect((await call(`/api/channels/${channelA.channel.id}`, { token: b.accessToken })).status).toBe(404);
    expect(
      (await call(`/api/conversations/${conversation.id}/messages`, { token: b.accessToken })).status,
    ).toBe(404);
  });
});
