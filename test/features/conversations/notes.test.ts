import { describe, expect, it } from "vitest";
import {
  createAgent,
  requestsFor,
  script,
  uniqueModel,
  useFakeProvider,
  visitorChat,
} from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import { joinAsStaff, room } from "../../support/conversations";
import { isType, messageFrom, mustOpen } from "../../support/ws";

const NOTE = "Private: customer is on the fraud watch list";

describe("private notes", () => {
  it("reach staff sockets and the REST view, never the visitor's socket, replay, preview or the AI", async () => {
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model);
    const agent = await createAgent(tenant);
    await script(model, [
      { type: "text", chunks: ["Hello! How can I help?"] },
      { type: "text", chunks: ["Sure, checking."] },
    ]);
    const chat = await visitorChat(tenant, agent.id);
    const staff = await joinAsStaff(tenant, chat.conversationId);
    const token = tenant.accessToken;

    // A note over REST and one over the staff socket.
    const rest = await callJson<{ message: { kind?: string; seq: number } }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token, json: { text: NOTE, kind: "note" } },
      201,
    );
    expect(rest.message.kind).toBe("note");
    staff.send({ type: "message", clientId: "n2", text: `${NOTE} (2)`, kind: "note" });
    await staff.next((f) => f.type === "message" && f.text === `${NOTE} (2)` && f.kind === "note");
    // The conversation stays with the AI: a note is not a reply.
    chat.socket.send({ type: "message", clientId: "v1", text: "Can you check my order?" });
    await chat.socket.next(messageFrom("ai"), { timeoutMs: 10_000 });
    await room(chat.conversationId).aiIdle();

    // A visitor cannot write one.
    chat.socket.send({ type: "message", clientId: "v2", text: "sneaky", kind: "note" });
    expect(await chat.socket.next(isType("error"))).toMatchObject({ code: "forbidden" });

    // The visitor's socket never saw a note, live or on a fresh join replaying everything.
    const replay = await mustOpen(
      (
        await callJson<{ ticket: { url: string } }>(
          "/api/widget/sessions",
          {
            json: { widgetKey: chat.widgetKey, visitorToken: chat.visitorToken },
            headers: { Origin: "https://shop.example.test" },
          },
          200,
        )
      ).ticket.url,
    );
    await replay.next(isType("ready"));
    for (const frames of [chat.socket.frames, replay.frames]) {
      expect(JSON.stringify(frames)).not.toContain("fraud watch");
      expect(frames.some((f) => f.type === "message" && f.text === "Can you check my order?")).toBe(true);
    }

    // Staff see both notes in the REST message view.
    const history = await callJson<{ data: { text: string; kind?: string }[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token },
      200,
    );
    expect(history.data.filter((m) => m.kind === "note").map((m) => m.text)).toEqual([NOTE, `${NOTE} (2)`]);

    // The AI's prompt never held a note.
    const prompts = await requestsFor(model);
    expect(prompts.length).toBeGreaterThan(0);
    expect(JSON.stringify(prompts.map((r) => r.body.messages))).not.toContain("fraud watch");

    // The preview (which the visitor's widget sees) is never a note; status is still the AI's.
    await room(chat.conversationId).flushNow();
    const conversation = await callJson<{ lastMessagePreview: string; status: string }>(
      `/api/conversations/${chat.conversationId}`,
      { token },
      200,
    );
    expect(conversation.lastMessagePreview).not.toContain("fraud watch");
    expect(conversation.status).toBe("open");

    // Once resolved, a message is refused but a note is still taken.
    const path = `/api/conversations/${chat.conversationId}`;
    await callJson(`${path}/resolve`, { method: "POST", token }, 200);
    await callJson(`${path}/messages`, { token, json: { text: "closing note", kind: "note" } }, 201);
    await callJson(`${path}/messages`, { token, json: { text: "hello?" } }, 409);
  }, 30_000);
});
