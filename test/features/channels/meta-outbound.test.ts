import { describe, expect, it } from "vitest";
import { createAgent, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";
import { type Channel, eventually, messagesOf } from "../../support/channels";
import {
  connectMeta,
  customerWrites,
  deliveryOf,
  sendRoute,
  sends,
  staffReply,
} from "../../support/meta-channels";

const contact = () => String(Math.floor(1e10 + Math.random() * 9e10));
const HOUR = 3_600_000;

describe("Meta channels: outbound", () => {
  it("sends the AI agent's reply to the WhatsApp customer through the phone number's messages edge", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    await script(model, [{ type: "text", chunks: ["Your parcel ", "left today."] }]);
    const agent = await createAgent(tenant);
    const wa = await connectMeta(tenant, "whatsapp", { agentId: agent.id });
    const from = contact();
    const conversation = await customerWrites(tenant, wa, from, "Where is my parcel?");
    const [sent] = await eventually(async () => {
      const found = await sends(wa);
      return found.length > 0 ? found : undefined;
    });
    expect(sent).toMatchObject({
      host: "facebook",
      path: `/${wa.account}/messages`,
      authorization: `Bearer ${wa.token}`,
      body: {
        messaging_product: "whatsapp",
        to: from,
        type: "text",
        text: { body: "Your parcel left today." },
      },
    });
    const reply = await eventually(async () =>
      (await messagesOf(tenant, conversation.id)).find(
        (m) => m.sender.kind === "ai" && m.delivery?.state === "sent",
      ),
    );
    expect(reply.text).toBe("Your parcel left today.");
  }, 30_000);

  it("sends staff replies on Messenger as RESPONSE and on Instagram through graph.instagram.com", async () => {
    const tenant = await registerTenant();
    const page = await connectMeta(tenant, "messenger");
    const ig = await connectMeta(tenant, "instagram");
    const psid = contact();
    const igsid = contact();
    const pageConversation = await customerWrites(tenant, page, psid, "hello page");
    const igConversation = await customerWrites(tenant, ig, igsid, "hello insta");
    const toPage = await staffReply(tenant, pageConversation.id, { text: "Hi from the team" });
    const toIg = await staffReply(tenant, igConversation.id, { text: "Hi on Instagram" });
    await deliveryOf(tenant, pageConversation.id, toPage.id, "sent");
    await deliveryOf(tenant, igConversation.id, toIg.id, "sent");
    expect(await sends(page)).toMatchObject([
      {
        host: "facebook",
        path: `/${page.account}/messages`,
        body: {
          recipient: { id: psid },
          messaging_type: "RESPONSE",
          message: { text: "Hi from the team", metadata: `switchboard:${toPage.id}` },
        },
      },
    ]);
    expect(await sends(ig)).toMatchObject([
      {
        host: "instagram",
        path: "/me/messages",
        body: { recipient: { id: igsid }, messaging_type: "RESPONSE", message: { text: "Hi on Instagram" } },
      },
    ]);
  });

  it("never sends a private note, nor the customer's own message, to the channel", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const conversation = await customerWrites(tenant, wa, contact(), "just me");
    await staffReply(tenant, conversation.id, { text: "internal: VIP customer", kind: "note" });
    const reply = await staffReply(tenant, conversation.id, { text: "visible reply" });
    await deliveryOf(tenant, conversation.id, reply.id, "sent");
    // Sends go out in seq order: once the later reply is out, the note had its turn.
    expect((await sends(wa)).map((c) => (c.body as { text: { body: string } }).text.body)).toEqual([
      "visible reply",
    ]);
  });

  it("refuses a free-form reply outside the window with WINDOW_CLOSED before calling Meta; Messenger humans get 7 days with HUMAN_AGENT", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const page = await connectMeta(tenant, "messenger");
    const waConversation = await customerWrites(tenant, wa, contact(), "a day ago", Date.now() - 25 * HOUR);
    const refused = await call(`/api/conversations/${waConversation.id}/messages`, {
      token: tenant.accessToken,
      json: { text: "too late" },
    });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(await refused.json())).toContain("WINDOW_CLOSED");
    const window = await callJson<{ window: { expiresAt: string; templateRequired: boolean } }>(
      `/api/conversations/${waConversation.id}`,
      { token: tenant.accessToken },
      200,
    );
    expect(window.window.templateRequired).toBe(true);
    const psid = contact();
    const pageConversation = await customerWrites(tenant, page, psid, "yesterday", Date.now() - 25 * HOUR);
    const late = await staffReply(tenant, pageConversation.id, { text: "sorry for the wait" });
    await deliveryOf(tenant, pageConversation.id, late.id, "sent");
    expect((await sends(page))[0]?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    const old = await connectMeta(tenant, "messenger");
    const oldConversation = await customerWrites(
      tenant,
      old,
      contact(),
      "last week",
      Date.now() - 8 * 24 * HOUR,
    );
    const tooOld = await call(`/api/conversations/${oldConversation.id}/messages`, {
      token: tenant.accessToken,
      json: { text: "anyone?" },
    });
    expect(tooOld.status).toBe(409);
    expect(await sends(wa)).toEqual([]);
    expect(await sends(old)).toEqual([]);
  });

  it("after a 429 with Retry-After, sends the reply once the wait has passed, exactly once", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const conversation = await customerWrites(tenant, wa, contact(), "hello?");
    await wa.graph.script(sendRoute(wa), {
      status: 429,
      error: { code: 130429, message: "(#130429) Rate limit hit" },
      headers: { "Retry-After": "1" },
      times: 1,
    });
    const started = Date.now();
    const reply = await staffReply(tenant, conversation.id, { text: "patience" });
    await deliveryOf(tenant, conversation.id, reply.id, "sent");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // The refused attempt, then the one that went out; nothing after it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sends(wa)).map((c) => (c.body as { text: { body: string } }).text.body)).toEqual([
      "patience",
      "patience",
    ]);
    expect((await messagesOf(tenant, conversation.id)).filter((m) => m.text === "patience")).toHaveLength(1);
  });

  it("marks the channel reauth_required when Graph answers 190, and fails later replies without calling", async () => {
    const tenant = await registerTenant();
    const page = await connectMeta(tenant, "messenger");
    const conversation = await customerWrites(tenant, page, contact(), "hello?");
    await page.graph.script(sendRoute(page), {
      status: 400,
      error: { code: 190, error_subcode: 463, message: "Error validating access token: Session has expired" },
      times: 1,
    });
    const first = await staffReply(tenant, conversation.id, { text: "are you there?" });
    const failed = await deliveryOf(tenant, conversation.id, first.id, "failed");
    expect(failed.delivery?.code).toBe("TOKEN_INVALID:190.463");
    const read = await callJson<Channel>(
      `/api/channels/${page.channel.id}`,
      { token: tenant.accessToken },
      200,
    );
    expect(read.status).toBe("reauth_required");
    const second = await staffReply(tenant, conversation.id, { text: "hello?" });
    const again = await deliveryOf(tenant, conversation.id, second.id, "failed");
    expect(again.delivery?.code).toBe("TOKEN_INVALID:reauth_required");
    expect(await sends(page)).toHaveLength(1);
  });
});
