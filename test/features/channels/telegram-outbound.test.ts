import { describe, expect, it } from "vitest";
import { createAgent, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import {
  type Channel,
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  openInbox,
  scriptTelegram,
  telegramCalls,
  textUpdate,
} from "../../support/channels";
import { joinAsStaff } from "../../support/conversations";

const chatId = () => Math.floor(Math.random() * 1e9);

/** A customer writes to the bot; resolves with the conversation it opened. */
async function customerWrites(
  tenant: TestTenant,
  channel: { id: string },
  secret: string,
  chat: number,
  text: string,
) {
  expect((await deliver(channel.id, secret, textUpdate(chat, text))).status).toBe(200);
  const [conversation] = await eventually(async () => {
    const found = await channelConversations(tenant, channel.id);
    return found.length > 0 ? found : undefined;
  });
  if (!conversation) throw new Error("no conversation");
  await eventually(async () => (await messagesOf(tenant, conversation.id)).some((m) => m.text === text));
  return conversation;
}

const staffReply = (tenant: TestTenant, conversationId: string, text: string) =>
  callJson<{ id: string }>(
    `/api/conversations/${conversationId}/messages`,
    { token: tenant.accessToken, json: { text } },
    201,
  );

describe("Telegram outbound", () => {
  it("sends the AI agent's reply to the customer's chat with sendMessage", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    await script(model, [{ type: "text", chunks: ["Your parcel ", "left today."] }]);
    const agent = await createAgent(tenant);
    const { channel, token, secret } = await connectTelegram(tenant, { agentId: agent.id });
    const chat = chatId();
    const conversation = await customerWrites(tenant, channel, secret, chat, "Where is my parcel?");
    const [sent] = await eventually(async () => {
      const calls = await telegramCalls(token, "sendMessage");
      return calls.length > 0 ? calls : undefined;
    });
    expect(sent?.params).toEqual({ chat_id: String(chat), text: "Your parcel left today." });
    const reply = await eventually(async () =>
      (await messagesOf(tenant, conversation.id)).find(
        (m) => m.sender.kind === "ai" && m.delivery?.state === "sent",
      ),
    );
    expect(reply.text).toBe("Your parcel left today.");
    // The first test of a file also pays for warming the Worker up.
  }, 30_000);

  it("sends a staff reply, with delivery frames queued → sent to the room", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    const chat = chatId();
    const conversation = await customerWrites(tenant, channel, secret, chat, "hello?");
    const socket = await joinAsStaff(tenant, conversation.id);
    const reply = await staffReply(tenant, conversation.id, "Hi Ada, looking now.");
    const frames = await socket.collect((f) => f.type === "delivery" && f.messageId === reply.id, 2);
    expect(frames.map((f) => f.state)).toEqual(["queued", "sent"]);
    const calls = await telegramCalls(token, "sendMessage");
    expect(calls.map((c) => c.params)).toEqual([{ chat_id: String(chat), text: "Hi Ada, looking now." }]);
    const message = (await messagesOf(tenant, conversation.id)).find((m) => m.id === reply.id);
    expect(message?.delivery).toEqual({ state: "sent" });
    socket.close();
  });

  it("keeps replies in order and, after a 429, sends the held one once retry_after has passed, exactly once", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    const chat = chatId();
    const conversation = await customerWrites(tenant, channel, secret, chat, "hello?");
    await scriptTelegram(token, [{ method: "sendMessage", status: 429, retryAfter: 1 }]);
    await staffReply(tenant, conversation.id, "one");
    await staffReply(tenant, conversation.id, "two");
    await staffReply(tenant, conversation.id, "three");
    const messages = await eventually(async () => {
      const found = (await messagesOf(tenant, conversation.id)).filter((m) => m.sender.kind === "staff");
      return found.length === 3 && found.every((m) => m.delivery?.state === "sent") ? found : undefined;
    }, 15_000);
    expect(messages.map((m) => m.text)).toEqual(["one", "two", "three"]);
    const calls = await telegramCalls(token, "sendMessage");
    // The refused attempt, then each reply once, in order.
    expect(calls.map((c) => c.params.text)).toEqual(["one", "one", "two", "three"]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("marks the channel reauth_required when Telegram answers 401, tells the inbox, and fails later replies without calling", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    const conversation = await customerWrites(tenant, channel, secret, chatId(), "hello?");
    const inbox = await openInbox(tenant.accessToken);
    await inbox.next((f) => f.type === "snapshot");
    await scriptTelegram(token, [{ method: "sendMessage", status: 401 }]);
    const first = await staffReply(tenant, conversation.id, "are you there?");
    expect(await inbox.next((f) => f.type === "channel.status", { timeoutMs: 10_000 })).toMatchObject({
      channelId: channel.id,
      status: "reauth_required",
      code: "401",
    });
    const failed = await eventually(async () =>
      (await messagesOf(tenant, conversation.id)).find(
        (m) => m.id === first.id && m.delivery?.state === "failed",
      ),
    );
    expect(failed.delivery?.code).toBe("TOKEN_INVALID:401");
    const read = await callJson<Channel>(`/api/channels/${channel.id}`, { token: tenant.accessToken }, 200);
    expect(read.status).toBe("reauth_required");
    const second = await staffReply(tenant, conversation.id, "hello?");
    await eventually(async () =>
      (await messagesOf(tenant, conversation.id)).find(
        (m) => m.id === second.id && m.delivery?.state === "failed",
      ),
    );
    expect(await telegramCalls(token, "sendMessage")).toHaveLength(1);
    inbox.close();
  });

  it("never sends the customer's own message back to the chat, nor a private note", async () => {
    const tenant = await registerTenant();
    const { channel, token, secret } = await connectTelegram(tenant);
    const conversation = await customerWrites(tenant, channel, secret, chatId(), "just me");
    const messages = await messagesOf(tenant, conversation.id);
    expect(messages[0]?.delivery).toBeUndefined();
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "internal: refund approved", kind: "note" } },
      201,
    );
    const reply = await staffReply(tenant, conversation.id, "visible reply");
    // Replies go out in seq order: once the later reply was sent, the note had its turn.
    await eventually(async () =>
      (await messagesOf(tenant, conversation.id)).find(
        (m) => m.id === reply.id && m.delivery?.state === "sent",
      ),
    );
    expect((await telegramCalls(token, "sendMessage")).map((c) => c.params.text)).toEqual(["visible reply"]);
  });
});
