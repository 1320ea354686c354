import { describe, expect, it } from "vitest";
import {
  createAgent,
  requestsFor,
  room,
  script,
  uniqueModel,
  useFakeProvider,
  visitorChat,
} from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import { joinAsStaff } from "../../support/conversations";
import { type Frame, isType, messageFrom, mustOpen } from "../../support/ws";

const fromSystem = messageFrom("system");
const fromAi = messageFrom("ai");

async function inboxOf(token: string) {
  const { url } = await callJson<{ url: string }>("/api/inbox/ticket", { method: "POST", token }, 200);
  const inbox = await mustOpen(url);
  await inbox.next(isType("snapshot"));
  return inbox;
}

/** A visitor chat with an AI agent whose visitor has asked in words for a person (now pending_human). */
async function askedForPerson() {
  const tenant = await registerTenant();
  const model = uniqueModel();
  await useFakeProvider(tenant, model);
  const agent = await createAgent(tenant);
  const chat = await visitorChat(tenant, agent.id);
  chat.socket.send({ type: "message", clientId: "1", text: "Can I talk to a real person please?" });
  await chat.socket.next((f) => f.type === "status" && f.status === "pending_human");
  return { tenant, model, chat };
}

const handBack = (tenant: { accessToken: string }, conversationId: string) =>
  callJson(
    `/api/conversations/${conversationId}/handback`,
    { method: "POST", token: tenant.accessToken },
    200,
  );

describe("handoff to a human", () => {
  it("hands off when the visitor presses the button, tells the inbox, and the AI stays quiet", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    const chat = await visitorChat(tenant, agent.id);
    const inbox = await inboxOf(tenant.accessToken);

    chat.socket.send({ type: "handoff" });
    expect(await chat.socket.next(isType("status"))).toMatchObject({ status: "pending_human" });
    expect((await chat.socket.next(fromSystem)).text).toMatch(/member of our team/);
    expect(await inbox.next((f) => f.type === "conversation.status")).toMatchObject({
      conversationId: chat.conversationId,
      status: "pending_human",
    });

    chat.socket.send({ type: "message", clientId: "m", text: "hello?" });
    await chat.socket.next((f) => f.type === "ack" && f.clientId === "m");
    await room(chat.conversationId).aiIdle();
    expect(await requestsFor(model)).toHaveLength(0);
  });

  it("hands off when the visitor asks in words, with the agent's own keywords too", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant, { handoffRules: { keywords: ["reklamation"] } });
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "Ich habe eine Reklamation" });
    expect(await chat.socket.next(isType("status"))).toMatchObject({ status: "pending_human" });
    const other = await visitorChat(tenant, agent.id);
    other.socket.send({ type: "message", clientId: "1", text: "Can I talk to a real person please?" });
    expect(await other.socket.next(isType("status"))).toMatchObject({ status: "pending_human" });
    expect(await requestsFor(model)).toHaveLength(0);
  });

  it("hands off when the model calls the handoff tool", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [
      {
        type: "tool_call",
        name: "handoff",
        arguments: JSON.stringify({ reason: "billing dispute" }),
        text: "Let me get a colleague.",
      },
    ]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "You charged me twice!" });
    expect((await chat.socket.next(fromAi)).text).toBe("Let me get a colleague.");
    expect(await chat.socket.next(isType("status"))).toMatchObject({
      status: "pending_human",
      reason: "billing dispute",
    });
  });

  it("gives the conversation to the staff member who replies, and back to the AI on hand-back", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "handoff" });
    await chat.socket.next((f) => f.type === "status" && f.status === "pending_human");

    const staff = await joinAsStaff(tenant, chat.conversationId);
    staff.send({ type: "message", clientId: "s", text: "Hi, this is Sam." });
    expect(await chat.socket.next((f) => f.type === "status" && f.status === "with_human")).toMatchObject({
      assigneeId: tenant.user.id,
    });

    const back = await callJson<{ status: string; assigneeId: string | null }>(
      `/api/conversations/${chat.conversationId}/handback`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(back).toMatchObject({ status: "open", assigneeId: null });
    await script(model, [{ type: "text", chunks: ["I'm back to help."] }]);
    chat.socket.send({ type: "message", clientId: "2", text: "one more question" });
    expect((await chat.socket.next(fromAi)).text).toBe("I'm back to help.");
  });

  it("answers on hand-back what the visitor wrote while a human owned the conversation, and only that", async () => {
    const { tenant, model, chat } = await askedForPerson();
    const staff = await joinAsStaff(tenant, chat.conversationId);
    staff.send({ type: "message", clientId: "s", text: "Hi, this is Sam. What's up?" });
    await chat.socket.next((f) => f.type === "status" && f.status === "with_human");
    chat.socket.send({ type: "message", clientId: "2", text: "Where is order 1234?" });
    await chat.socket.next((f) => f.type === "ack" && f.clientId === "2");
    await room(chat.conversationId).aiIdle();
    expect(await requestsFor(model)).toHaveLength(0);

    await script(model, [{ type: "text", chunks: ["Order 1234 ships tomorrow."] }]);
    await handBack(tenant, chat.conversationId);
    expect((await chat.socket.next(fromAi)).text).toBe("Order 1234 ships tomorrow.");
    const [request] = await requestsFor(model);
    // The request for a person was answered by the handoff: it is not the turn being answered again.
    expect(request?.body.messages.at(-1)).toEqual({ role: "user", content: "Where is order 1234?" });
  });

  it("hands back without an AI reply when nothing is waiting for an answer", async () => {
    const { tenant, model, chat } = await askedForPerson();
    await handBack(tenant, chat.conversationId);
    await room(chat.conversationId).aiIdle();
    expect(await requestsFor(model)).toHaveLength(0);
    expect(
      chat.socket.frames.some((f) => f.type === "status" && f.status === "pending_human" && f !== undefined),
    ).toBe(true);
    expect(
      chat.socket.frames.filter((f) => f.type === "status" && f.status === "pending_human"),
    ).toHaveLength(1);
  });

  it("tells the visitor when someone will answer outside business hours", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    // Open one minute a week, at a time that is not now.
    const now = new Date();
    const day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][(now.getUTCDay() + 3) % 7] ?? "mon";
    const agent = await createAgent(tenant, {
      businessHours: { timezone: "UTC", weekly: { [day]: [["09:00", "09:01"]] } },
    });
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "handoff" });
    const notice = await chat.socket.next(fromSystem);
    expect(notice.text).toMatch(/closed right now/);
    expect(notice.text).toContain("09:00–09:01 (UTC)");
  });
});

describe("when the AI cannot answer", () => {
  it("tells the visitor on a provider error, offers a human and keeps their message", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [{ type: "error", status: 500, message: "upstream exploded" }]);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "Is anyone there?" });
    const notice = await chat.socket.next(fromSystem);
    expect(notice.text).toMatch(/unavailable/);
    expect(notice.text).not.toContain("upstream exploded");
    expect(await chat.socket.next(isType("status"))).toMatchObject({ status: "pending_human" });
    const history = await callJson<{ data: Frame[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(history.data.map((m) => m.text)).toContain("Is anyone there?");
  });

  it("treats rate limits and timeouts the same way", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [{ type: "error", status: 429, message: "slow down" }]);
    const limited = await visitorChat(tenant, agent.id);
    limited.socket.send({ type: "message", clientId: "1", text: "hi" });
    expect((await limited.socket.next(fromSystem)).text).toMatch(/unavailable/);

    await script(model, [{ type: "slow", delayMs: 3000, chunks: ["too late"] }]);
    const slow = await visitorChat(tenant, agent.id);
    slow.socket.send({ type: "message", clientId: "1", text: "hi" });
    expect((await slow.socket.next(fromSystem, { timeoutMs: 10_000 })).text).toMatch(/took too long/);
  });

  it("stops AI replies with a clear message once the monthly token budget is spent", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model, { monthlyTokenBudget: 100 });
    await script(model, [
      { type: "text", chunks: ["spent"], usage: { prompt_tokens: 90, completion_tokens: 20 } },
    ]);
    await callJson("/api/ai/test", { token: tenant.accessToken, json: { message: "use the budget" } }, 200);
    const agent = await createAgent(tenant);
    const chat = await visitorChat(tenant, agent.id);
    chat.socket.send({ type: "message", clientId: "1", text: "hello" });
    expect((await chat.socket.next(fromSystem)).text).toMatch(/budget/);
    expect(await requestsFor(model)).toHaveLength(1);
  });
});
