import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  createAgent,
  release,
  requestsFor,
  room,
  script,
  uniqueModel,
  useFakeProvider,
  visitorChat,
  waitForRequests,
} from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import { joinAsStaff } from "../../support/conversations";
import { type Frame, isType, messageFrom, mustOpen } from "../../support/ws";
import { upload, waitUntilSettled } from "../documents/helpers";

const aiMessage = messageFrom("ai");
const systemMessage = messageFrom("system");

describe("AI replies in the room", () => {
  it("streams a grounded reply as deltas, then stores it with citations; sends what we expect to the model", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const policy = new TextEncoder().encode(
      "Refund policy\n\nRefunds are accepted within 30 days of purchase with a receipt.",
    );
    const doc = await upload(tenant.accessToken, policy, "refunds.txt", { collection: "help" });
    expect((await waitUntilSettled(tenant.accessToken, doc.id)).status).toBe("ready");
    const agent = await createAgent(tenant, { collections: ["help"] });
    await script(model, [{ type: "text", chunks: ["You can ", "get a refund ", "within 30 days [1]."] }]);

    const { socket } = await visitorChat(tenant, agent.id);
    socket.send({ type: "message", clientId: "q1", text: "What is your refund policy?" });
    const thinking = await socket.next(isType("ai.thinking"));
    const reply = await socket.next(aiMessage);
    const deltas = socket.frames.filter((f) => f.type === "ai.delta" && f.streamId === thinking.streamId);
    expect(deltas.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(deltas.map((d) => d.text).join("")).toBe("You can get a refund within 30 days [1].");
    expect(reply).toMatchObject({
      text: "You can get a refund within 30 days [1].",
      sender: { kind: "ai", id: agent.id },
      metadata: {
        streamId: thinking.streamId,
        mode: "model",
        citations: [{ documentId: doc.id, title: expect.any(String) }],
      },
    });

    const [request] = await requestsFor(model);
    expect(request?.authorization).toBe("Bearer sk-test-tenant-key");
    expect(request?.body).toMatchObject({ model, temperature: 0.2, max_tokens: 300, stream: true });
    expect(request?.body.tools?.map((t) => t.function.name)).toEqual(["handoff"]);
    expect(request?.body.messages[0]?.role).toBe("system");
    expect(request?.body.messages[0]?.content).toContain("You are Acme's support assistant.");
    expect(request?.body.messages[0]?.content).toContain("Refunds are accepted within 30 days");
    expect(request?.body.messages.at(-1)).toEqual({ role: "user", content: "What is your refund policy?" });
  });

  it("lets a client that reconnects mid-reply catch up from its delta index and see the rest once", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [{ type: "gate", chunks: ["one ", "two ", "three ", "four"], pauseAfter: 2 }]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "q", text: "Tell me something" });
    const deltas = await chat.socket.collect(isType("ai.delta"), 2);
    const streamId = String(deltas[0]?.streamId);

    // A second connection that had seen delta 0 only.
    const staff = await callJson<{ url: string }>(
      `/api/conversations/${chat.conversationId}/ticket`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const late = await mustOpen(`${staff.url}&after=1&stream=${streamId}&streamFrom=1`);
    await late.next(isType("ready"));
    expect(late.frames.filter(isType("ai.delta")).map((d) => d.index)).toEqual([1]);
    await release(model);
    await late.next(aiMessage);
    expect(late.frames.filter(isType("ai.delta")).map((d) => d.index)).toEqual([1, 2, 3]);
    expect((await chat.socket.next(aiMessage)).text).toBe("one two three four");
  });

  it("answers a burst of visitor messages together, not one reply each", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [
      { type: "gate", chunks: ["Hello!"], pauseAfter: 0 },
      { type: "text", chunks: ["Order 42 ships tomorrow."] },
    ]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "hi" });
    await waitForRequests(model, 1);
    chat.socket.send({ type: "message", clientId: "2", text: "where is my order?" });
    chat.socket.send({ type: "message", clientId: "3", text: "it is order 42" });
    await chat.socket.collect((f) => f.type === "ack", 3);
    await release(model);
    await chat.socket.collect(aiMessage, 2);
    await room(chat.conversationId).aiIdle();
    const requests = await requestsFor(model);
    expect(requests).toHaveLength(2);
    const second = requests[1]?.body.messages.slice(-3);
    expect(second).toEqual([
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "where is my order?" },
      { role: "user", content: "it is order 42" },
    ]);
    expect(chat.socket.frames.filter(aiMessage)).toHaveLength(2);
  });

  it("stops a running reply when a human takes over", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [{ type: "gate", chunks: ["partial ", "never shown"], pauseAfter: 1 }]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "help" });
    await chat.socket.next(isType("ai.delta"));
    const staff = await joinAsStaff(tenant, chat.conversationId);
    staff.send({ type: "message", clientId: "s1", text: "Hi, I'm Sam from support." });
    expect(await chat.socket.next(isType("ai.cancelled"))).toMatchObject({ reason: "a human took over" });
    expect(await chat.socket.next(isType("status"))).toMatchObject({
      status: "with_human",
      assigneeId: tenant.user.id,
    });
    await release(model);
    await room(chat.conversationId).aiIdle();
    const history = await callJson<{ data: Frame[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(history.data.filter(aiMessage)).toHaveLength(0);

    // The visitor keeps talking to the human: no AI reply.
    chat.socket.send({ type: "message", clientId: "2", text: "thanks Sam" });
    await chat.socket.next((f) => f.type === "ack" && f.clientId === "2");
    await room(chat.conversationId).aiIdle();
    expect(await requestsFor(model)).toHaveLength(1);
  });

  it("marks a reply cut off by a reset (deploy, eviction) as interrupted and tells the visitor", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [{ type: "gate", chunks: ["half ", "rest"], pauseAfter: 1 }]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "question" });
    const delta = await chat.socket.next(isType("ai.delta"));
    // Like a deploy: the object is reset while the model is still answering.
    await abortAllDurableObjects();
    await release(model);
    // The next activation repairs the stream it finds still marked as streaming.
    const history = await callJson<{ data: Frame[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    const notice = history.data.filter(systemMessage).at(-1);
    expect(notice?.text).toMatch(/interrupted/);
    expect(notice?.metadata).toMatchObject({ streamId: delta.streamId, interrupted: true });
    expect(history.data.filter(aiMessage)).toHaveLength(0);
  });
});
