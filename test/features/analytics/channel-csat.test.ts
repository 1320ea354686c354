import { describe, expect, it } from "vitest";
import { createAgent, room, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import {
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  telegramCalls,
  textUpdate,
} from "../../support/channels";
import { eventsOf, named } from "./helpers";

const QUESTION =
  "How satisfied are you with the help you received? Reply with a number from 1 (poor) to 5 (great).";

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
});
