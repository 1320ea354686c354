import { describe, expect, it } from "vitest";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import {
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  scriptTelegram,
  textUpdate,
} from "../../support/channels";
import { eventsOf, named } from "./helpers";

const chatId = () => Math.floor(Math.random() * 1e9);

interface Report {
  totals: Record<string, number | null>;
  tables: { name: string; rows: { key: string | null; values: (number | null)[] }[] }[];
}

/** The customer's message reached its room; resolves with the chat's conversation id. */
async function customerWrites(
  tenant: TestTenant,
  channelId: string,
  secret: string,
  chat: number,
  text: string,
) {
  expect((await deliver(channelId, secret, textUpdate(chat, text))).status).toBe(200);
  return eventually(async () => {
    for (const conversation of await channelConversations(tenant, channelId))
      if ((await messagesOf(tenant, conversation.id)).some((m) => m.text === text)) return conversation.id;
    return undefined;
  });
}

const reply = (tenant: TestTenant, conversationId: string, text: string) =>
  callJson<{ id: string }>(
    `/api/conversations/${conversationId}/messages`,
    { token: tenant.accessToken, json: { text } },
    201,
  );

describe("channel metrics", () => {
  it("counts messages in and out and delivery failures by code, each from its single writer, exactly", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    const [ada, bob] = [chatId(), chatId()];
    const first = await customerWrites(tenant, channel.id, secret, ada, "hello?");
    await customerWrites(tenant, channel.id, secret, ada, "anyone there?");
    const second = await customerWrites(tenant, channel.id, secret, bob, "my order");
    const sent = await reply(tenant, first, "Hi Ada, looking now.");
    await eventually(async () =>
      (await messagesOf(tenant, first)).find((m) => m.id === sent.id && m.delivery?.state === "sent"),
    );
    // Bob has blocked the bot: Telegram answers 403, the reply fails for good.
    await scriptTelegram(token, [{ method: "sendMessage", status: 403, times: 1 }]);
    const blocked = await reply(tenant, second, "Hi Bob.");
    const failed = await eventually(async () =>
      (await messagesOf(tenant, second)).find((m) => m.id === blocked.id && m.delivery?.state === "failed"),
    );
    expect(failed.delivery?.code).toBe("UNDELIVERABLE:403");

    // The outbox copies each fact once however often it is flushed.
    await eventsOf(first);
    const failures = named(await eventsOf(second), "channel_delivery_failed");
    expect(named(await eventsOf(second), "channel_delivery_failed")).toEqual(failures);
    expect(failures.map((e) => ({ channel: e.channel, actor: e.actor, dims: e.dims }))).toEqual([
      { channel: "telegram", actor: "system", dims: { code: "403", failure: "UNDELIVERABLE" } },
    ]);

    const report = await callJson<Report>("/api/analytics/channels", { token: tenant.accessToken }, 200);
    expect(report.totals).toEqual({
      messages_in: 3,
      messages_out: 2,
      channel_delivery_failures: 1,
      window_closed: 0,
      template_sends: 0,
    });
    const table = (name: string) => report.tables.find((t) => t.name === name)?.rows;
    expect(table("failuresByCode")).toEqual([{ key: "403", values: [1] }]);
    // conversations_new, messages_in, messages_out, failures, window closed, templates.
    expect(table("byChannel")).toEqual([{ key: "telegram", values: [2, 3, 2, 1, null, null] }]);
  }, 60_000);
});
