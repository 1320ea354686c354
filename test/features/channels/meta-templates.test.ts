import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import {
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  textUpdate,
} from "../../support/channels";
import { connectMeta, customerWrites, deliveryOf, sends, staffReply } from "../../support/meta-channels";

const contact = () => String(Math.floor(1e10 + Math.random() * 9e10));
const template = { name: "order_update", language: "en_US", parameters: ["Ada", "#4521"] };

describe("WhatsApp template messages", () => {
  it("sends a template outside the 24 h window as Graph's template payload, shown in the room as a staff message", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const from = contact();
    const conversation = await customerWrites(tenant, wa, from, "two days ago", Date.now() - 48 * 3_600_000);
    const post = (json: unknown) =>
      call(`/api/conversations/${conversation.id}/messages`, { token: tenant.accessToken, json });
    expect((await post({ text: "free-form" })).status).toBe(409);
    const sent = await staffReply(tenant, conversation.id, { template });
    const message = await deliveryOf(tenant, conversation.id, sent.id, "sent");
    expect(message).toMatchObject({
      sender: { kind: "staff" },
      text: "[Template order_update (en_US): Ada · #4521]",
      metadata: { template },
    });
    expect((await sends(wa)).map((c) => c.body)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: from,
        biz_opaque_callback_data: sent.id,
        type: "template",
        template: {
          name: "order_update",
          language: { code: "en_US" },
          components: [
            {
              type: "body",
              parameters: [
                { type: "text", text: "Ada" },
                { type: "text", text: "#4521" },
              ],
            },
          ],
        },
      },
    ]);
    // The channel outbox counts both: the refused free-form reply and the template that went out.
    await eventually(async () => {
      const { totals } = await callJson<{ totals: Record<string, number | null> }>(
        "/api/analytics/channels",
        { token: tenant.accessToken },
        200,
      );
      return totals.window_closed === 1 && totals.template_sends === 1 ? totals : undefined;
    });
    // The first test of a file also pays for warming the Worker up.
  }, 30_000);

  it("refuses bad templates with 400: bad name, language or parameter, mixed with text or a note, off WhatsApp", async () => {
    const tenant = await registerTenant();
    const wa = await connectMeta(tenant, "whatsapp");
    const conversation = await customerWrites(tenant, wa, contact(), "hi");
    const post = (id: string, json: unknown) =>
      call(`/api/conversations/${id}/messages`, { token: tenant.accessToken, json });
    for (const body of [
      { template: { ...template, name: "Order Update" } },
      { template: { ...template, language: "english" } },
      { template: { ...template, parameters: ["two\nlines"] } },
      { template: { ...template, parameters: [""] } },
      { template: { name: "order_update" } },
      { template, text: "and text" },
      { template, kind: "note" },
    ])
      expect((await post(conversation.id, body)).status).toBe(400);
    const page = await connectMeta(tenant, "messenger");
    const pageConversation = await customerWrites(tenant, page, contact(), "hi");
    expect((await post(pageConversation.id, { template })).status).toBe(400);
    const { channel, secret } = await connectTelegram(tenant);
    await deliver(channel.id, secret, textUpdate(Math.floor(Math.random() * 1e9), "hi"));
    const [telegram] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    expect((await post(String(telegram?.id), { template })).status).toBe(400);
    expect(await sends(wa)).toEqual([]);
    expect((await messagesOf(tenant, conversation.id)).map((m) => m.text)).toEqual(["hi"]);
  });
});
