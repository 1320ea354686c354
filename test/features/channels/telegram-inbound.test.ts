import { describe, expect, it } from "vitest";
import { callJson, registerTenant } from "../../support/api";
import {
  type Channel,
  channelConversations,
  connectTelegram,
  deliver,
  eventually,
  messagesOf,
  openInbox,
  textUpdate,
} from "../../support/channels";

const chatId = () => Math.floor(Math.random() * 1e9);

describe("Telegram inbound", () => {
  it("answers 401 to a delivery without the secret (or with another) and stores nothing", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    expect((await deliver(channel.id, null, textUpdate(1, "forged"))).status).toBe(401);
    expect((await deliver(channel.id, `${secret}x`, textUpdate(1, "forged"))).status).toBe(401);
    expect((await deliver(channel.id, secret.slice(1), textUpdate(1, "forged"))).status).toBe(401);
    expect((await deliver(crypto.randomUUID(), secret, textUpdate(1, "forged"))).status).toBe(401);
    // A delivery that does pass, afterwards, is the only thing ever stored.
    expect((await deliver(channel.id, secret, textUpdate(2, "genuine"))).status).toBe(200);
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    const messages = await eventually(async () => {
      const found = await messagesOf(tenant, String(conversation?.id));
      return found.length > 0 ? found : undefined;
    });
    expect(messages.map((m) => m.text)).toEqual(["genuine"]);
    expect(await channelConversations(tenant, channel.id)).toHaveLength(1);
    // The first test of a file also pays for warming the Worker, its queue consumer and rooms up.
  }, 30_000);

  it("puts a customer's message in the room and the inbox, as the channel's conversation", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    const inbox = await openInbox(tenant.accessToken);
    await inbox.next((f) => f.type === "snapshot");
    const chat = chatId();
    const response = await deliver(channel.id, secret, textUpdate(chat, "Where is my parcel?"));
    expect(response.status).toBe(200);
    const created = await inbox.next((f) => f.type === "conversation.created", { timeoutMs: 10_000 });
    expect(created.conversation).toMatchObject({
      channel: "telegram",
      channelId: channel.id,
      channelContactRef: String(chat),
      visitorId: `telegram:${chat}`,
      metadata: { contactName: "Ada Lovelace" },
    });
    expect(await inbox.next((f) => f.type === "message", { timeoutMs: 10_000 })).toMatchObject({
      preview: "Where is my parcel?",
      sender: { kind: "visitor", id: `telegram:${chat}` },
    });
    const conversationId = (created.conversation as { id: string }).id;
    const [message] = await messagesOf(tenant, conversationId);
    expect(message).toMatchObject({ text: "Where is my parcel?", sender: { kind: "visitor" } });
    expect(message?.metadata.channel).toMatchObject({ platformId: expect.any(String) });
    const read = await callJson<Channel>(`/api/channels/${channel.id}`, { token: tenant.accessToken }, 200);
    expect(read.lastVerifiedInboundAt).not.toBeNull();
    inbox.close();
  });

  it("keeps one message when Telegram delivers the same update five times", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    const chat = chatId();
    const update = textUpdate(chat, "only once");
    for (let i = 0; i < 5; i++) expect((await deliver(channel.id, secret, update)).status).toBe(200);
    // A later update: once it is in, the five before it have been handled too.
    await deliver(channel.id, secret, textUpdate(chat, "sentinel"));
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    const messages = await eventually(async () => {
      const found = await messagesOf(tenant, String(conversation?.id));
      return found.some((m) => m.text === "sentinel") ? found : undefined;
    });
    expect(messages.map((m) => m.text).sort()).toEqual(["only once", "sentinel"]);
    expect(await channelConversations(tenant, channel.id)).toHaveLength(1);
  });

  it("opens one conversation per contact, and a new one after it is resolved", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    const ada = chatId();
    const bob = chatId();
    await deliver(channel.id, secret, textUpdate(ada, "first"));
    await deliver(channel.id, secret, textUpdate(bob, "hello from bob"));
    await deliver(channel.id, secret, textUpdate(ada, "second"));
    const conversations = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length === 2 ? found : undefined;
    });
    const adaConversation = await eventually(async () => {
      for (const c of conversations) {
        const texts = (await messagesOf(tenant, c.id)).map((m) => m.text);
        if (texts.includes("first") && texts.includes("second")) return c;
      }
      return undefined;
    });
    await callJson(
      `/api/conversations/${adaConversation.id}/resolve`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    await deliver(channel.id, secret, textUpdate(ada, "back again"));
    const third = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.find((c) => !conversations.some((old) => old.id === c.id));
    });
    const texts = await eventually(async () => {
      const found = (await messagesOf(tenant, third.id)).map((m) => m.text);
      return found.length > 0 ? found : undefined;
    });
    expect(texts).toEqual(["back again"]);
  });

  it("stores a photo as an attachment under the tenant's prefix and shows unsupported kinds as a placeholder", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    const chat = chatId();
    const base = textUpdate(chat, "");
    const { text: _text, ...message } = base.message;
    await deliver(channel.id, secret, {
      update_id: base.update_id,
      message: {
        ...message,
        caption: "my receipt",
        photo: [
          { file_id: "small-1", width: 90 },
          { file_id: "big-1", width: 800 },
        ],
      },
    });
    await deliver(channel.id, secret, {
      update_id: base.update_id + 1,
      message: { ...message, photo: [{ file_id: "huge-size-20000000", width: 4000 }] },
    });
    await deliver(channel.id, secret, {
      update_id: base.update_id + 2,
      message: { ...message, poll: { id: "1", question: "?", options: [] } },
    });
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    const messages = await eventually(async () => {
      const found = await messagesOf(tenant, String(conversation?.id));
      return found.length === 3 ? found : undefined;
    });
    const [photo, huge, poll] = messages;
    expect(photo?.text).toBe("my receipt");
    expect(photo?.metadata.attachments).toEqual([
      {
        kind: "image",
        storageKey: expect.stringContaining(`${tenant.tenant.id}/channels/${channel.id}/media/`),
        mimeType: "image/jpeg",
        size: "telegram file photos/big-1.jpg".length,
      },
    ]);
    expect(huge?.text).toMatch(/image not stored: larger than \d+ MB/);
    expect(huge?.metadata.attachments).toBeUndefined();
    expect(poll?.text).toBe("[Unsupported Telegram message: poll]");
  });

  it("dead-letters and counts a delivery that is not an update, without holding up the next", async () => {
    const tenant = await registerTenant();
    const { channel, secret } = await connectTelegram(tenant);
    await deliver(channel.id, secret, { not: "an update" });
    await deliver(channel.id, secret, textUpdate(chatId(), "still arrives"));
    await eventually(async () => {
      const read = await callJson<Channel>(`/api/channels/${channel.id}`, { token: tenant.accessToken }, 200);
      return read.deadLetters === 1;
    });
    const [conversation] = await eventually(async () => {
      const found = await channelConversations(tenant, channel.id);
      return found.length > 0 ? found : undefined;
    });
    await eventually(async () => (await messagesOf(tenant, String(conversation?.id))).length === 1);
  });
});
