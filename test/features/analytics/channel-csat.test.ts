import { describe, expect, it } from "vitest";
import { createAgent, room, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";
import {
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  telegramCalls,
  textUpdate,
} from "../../support/channels";
import {
  connectMeta,
  customerDelivery,
  customerWrites,
  deliverMeta,
  messageId,
  sends,
} from "../../support/meta-channels";
import { eventsOf, named } from "./helpers";

const QUESTION =
  "How satisfied are you with the help you received? Reply with a number from 1 (poor) to 5 (great).";

const contact = () => String(Math.floor(1e10 + Math.random() * 9e10));
const HOUR = 3_600_000;
const csatTotals = async (token: string) =>
  (await callJson<{ totals: Record<string, number | null> }>("/api/analytics/csat", { token }, 200)).totals;

describe("CSAT on channels", () => {
  it("asks on the channel when a conversation is resolved, and takes a reply of just 4 as the answer, not a new request", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    await script(model, [{ type: "text", chunks: ["It left today."] }]);
    const agent = await createAgent(tenant);
    const { channel, token: bot, secret } = await connectTelegram(tenant, { agentId: agent.id });
    const chat = Math.floor(Math.random() * 1e9);

    expect((await deliver(channel.id, secret, textUpdate(chat, "Where is my parcel?"))).status).toBe(200);
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    const id = conversation?.id ?? "";
    await eventually(async () => (await messagesOf(tenant, id)).some((m) => m.sender.kind === "ai"));
    await room(id).aiIdle();
    await callJson(`/api/conversations/${id}/resolve`, { method: "POST", token }, 200);
    const sent = async () => (await telegramCalls(bot, "sendMessage")).map((c) => c.params.text);
    await eventually(async () => ((await sent()).includes(QUESTION) ? true : undefined));
    expect(await sent()).toEqual(["It left today.", QUESTION]);

    // The rating, delivered twice (Telegram retries): one answer, no new conversation, no AI turn.
    const rating = textUpdate(chat, " 4 ");
    expect((await deliver(channel.id, secret, rating)).status).toBe(200);
    expect((await deliver(channel.id, secret, rating)).status).toBe(200);
    const csat = await eventually(async () => {
      const report = await callJson<{ totals: Record<string, number | null> }>(
        "/api/analytics/csat",
        { token },
        200,
      );
      return report.totals.csat_responses ? report.totals : undefined;
    });
    expect(csat).toEqual({ csat_score: 100, csat_response_rate: 100, csat_responses: 1 });
    expect(await channelConversations(tenant, channel.id)).toHaveLength(1);
    expect(await sent()).toEqual(["It left today.", QUESTION]);
    const events = await eventsOf(id);
    expect(named(events, "csat_sent")).toHaveLength(1);
    expect(named(events, "csat_response").map((e) => e.valueS)).toEqual([4]);

    // Anything else is a new request: a new conversation, as before.
    expect((await deliver(channel.id, secret, textUpdate(chat, "4 more parcels missing"))).status).toBe(200);
    await eventually(async () =>
      (await channelConversations(tenant, channel.id)).length === 2 ? true : undefined,
    );
  }, 90_000);

  it("sends no survey when a WhatsApp conversation is resolved outside the window: none counts as sent, and a later 5 is a new request", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const wa = await connectMeta(tenant, "whatsapp");
    const questions = async () =>
      (await sends(wa)).filter((c) => (c.body as { text?: { body?: string } }).text?.body === QUESTION);

    // Inside the 24 h window: the question goes out and the customer's 5 answers it.
    const inside = contact();
    const recent = await customerWrites(tenant, wa, inside, "Is my order on its way?");
    await callJson(`/api/conversations/${recent.id}/resolve`, { method: "POST", token }, 200);
    await eventually(async () => ((await questions()).length === 1 ? true : undefined));
    const answer = customerDelivery(wa, inside, messageId(wa), "5");
    expect((await deliverMeta(wa.channel.id, answer, wa.appSecret)).status).toBe(200);
    await eventually(async () => ((await csatTotals(token)).csat_responses === 1 ? true : undefined));

    // The customer last wrote 25 h ago: resolving it now sends nothing and records no survey.
    const outside = contact();
    const late = await customerWrites(tenant, wa, outside, "Where is my refund?", Date.now() - 25 * HOUR);
    await callJson(`/api/conversations/${late.id}/resolve`, { method: "POST", token }, 200);
    const events = await eventsOf(late.id);
    expect(named(events, "conversation_resolved")).toHaveLength(1);
    expect(named(events, "csat_sent")).toEqual([]);
    expect((await messagesOf(tenant, late.id)).map((m) => m.text)).not.toContain(QUESTION);
    const refused = await call(`/api/conversations/${late.id}/csat`, { token, json: { rating: 5 } });
    expect(refused.status).toBe(409);

    // The response rate is over surveys sent (1 of 1), not over resolutions (1 of 2).
    expect(await csatTotals(token)).toEqual({ csat_score: 100, csat_response_rate: 100, csat_responses: 1 });

    // With no survey waiting, the customer's 5 is a message like any other: a new conversation.
    const five = customerDelivery(wa, outside, messageId(wa), "5");
    expect((await deliverMeta(wa.channel.id, five, wa.appSecret)).status).toBe(200);
    await eventually(async () =>
      (await channelConversations(tenant, wa.channel.id, "whatsapp")).length === 3 ? true : undefined,
    );
    expect(await questions()).toHaveLength(1);
    expect(await csatTotals(token)).toEqual({ csat_score: 100, csat_response_rate: 100, csat_responses: 1 });
  }, 60_000);
});
