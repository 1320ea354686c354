import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { room, script } from "../../support/ai";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { chatJson, setupPlanning } from "../../support/plans";

interface Feedback {
  id: string;
  messageId: string;
  rater: { kind: string; id: string };
  rating: string;
  reasons: string[];
  comment: string | null;
}

describe("message feedback", () => {
  it("keeps one updatable rating per rater and message, lists it on the message and counts it in stats", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [{ type: "text", chunks: ["Our returns window is 30 days."] }]);
    const answer = await chatJson(tenant, {
      messages: [{ role: "user", content: "How long can I return things?" }],
    });
    // Feedback refers to messages as copied to Postgres: let the room flush its outbox now.
    await runDurableObjectAlarm(room(answer.conversationId));
    const path = `/api/messages/${answer.messageId}/feedback`;

    const first = await call(path, {
      token: tenant.accessToken,
      json: { rating: "like", reasons: ["accurate"] },
    });
    expect(first.status).toBe(201);
    const liked = (await first.json()) as Feedback;
    expect(liked).toMatchObject({
      rating: "like",
      reasons: ["accurate"],
      rater: { kind: "user", id: tenant.user.id },
    });
    const changed = await callJson<Feedback>(
      path,
      {
        token: tenant.accessToken,
        json: { rating: "dislike", reasons: ["too short"], comment: "Which items?" },
      },
      200,
    );
    expect(changed).toMatchObject({ id: liked.id, rating: "dislike", comment: "Which items?" });

    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    await callJson(path, { token: member.accessToken, json: { rating: "like" } }, 201);
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "app" } },
      201,
    );
    for (const userId of ["end-1", "end-2"]) {
      await callJson(path, { token: key.key, json: { rating: "like", reasons: ["accurate"], userId } }, 201);
    }
    await callJson(path, { token: key.key, json: { rating: "dislike", userId: "end-2" } }, 200);

    const list = await callJson<{ counts: { like: number; dislike: number }; data: Feedback[] }>(
      path,
      { token: member.accessToken },
      200,
    );
    expect(list.counts).toEqual({ like: 2, dislike: 2 });
    expect(list.data.map((f) => [f.rater.kind, f.rating])).toEqual([
      ["user", "dislike"],
      ["user", "like"],
      ["end_user", "like"],
      ["end_user", "dislike"],
    ]);

    const stats = await callJson<{
      counts: { like: number; dislike: number };
      reasons: { reason: string; count: number }[];
      byAgent: { agentId: string; like: number; dislike: number }[];
    }>("/api/messages/feedback/stats", { token: tenant.accessToken }, 200);
    expect(stats).toEqual({
      counts: { like: 2, dislike: 2 },
      reasons: [
        { reason: "accurate", count: 1 },
        { reason: "too short", count: 1 },
      ],
      byAgent: [{ agentId: planning.agent.id, like: 2, dislike: 2 }],
    });
    const conversationStats = await callJson<{ feedback: unknown }>(
      "/api/conversations/stats",
      { token: tenant.accessToken },
      200,
    );
    expect(conversationStats.feedback).toEqual({ like: 2, dislike: 2 });
  });

  it("refuses unknown messages, other tenants' messages and invalid ratings", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant();
    const planning = await setupPlanning(tenant);
    await script(planning.model, [{ type: "text", chunks: ["Hi."] }]);
    const answer = await chatJson(tenant, { messages: [{ role: "user", content: "Hello" }] });
    await runDurableObjectAlarm(room(answer.conversationId));
    const path = `/api/messages/${answer.messageId}/feedback`;
    expect((await call(path, { token: tenant.accessToken, json: { rating: "meh" } })).status).toBe(400);
    expect(
      (
        await call(`/api/messages/${crypto.randomUUID()}/feedback`, {
          token: tenant.accessToken,
          json: { rating: "like" },
        })
      ).status,
    ).toBe(404);
    expect((await call(path, { token: other.accessToken, json: { rating: "like" } })).status).toBe(404);
    expect((await call(path, { token: other.accessToken })).status).toBe(404);
  });

  it("takes feedback on a message as soon as its ack arrives, through its conversation", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant();
    const conversation = await callJson<{ id: string }>(
      "/api/conversations",
      { token: tenant.accessToken, json: {} },
      201,
    );
    const ack = await callJson<{ id: string }>(
      `/api/conversations/${conversation.id}/messages`,
      { token: tenant.accessToken, json: { text: "Fresh reply" } },
      201,
    );
    // No alarm has run: the message is only in its room so far.
    const path = `/api/conversations/${conversation.id}/messages/${ack.id}/feedback`;
    const given = await callJson<Feedback>(
      path,
      { token: tenant.accessToken, json: { rating: "like" } },
      201,
    );
    expect(given).toMatchObject({ messageId: ack.id, rating: "like" });
    const list = await callJson<{ counts: { like: number } }>(path, { token: tenant.accessToken }, 200);
    expect(list.counts.like).toBe(1);
    // The flat route finds it too now that Postgres has the copy.
    await callJson(`/api/messages/${ack.id}/feedback`, { token: tenant.accessToken }, 200);

    const unknown = `/api/conversations/${conversation.id}/messages/${crypto.randomUUID()}/feedback`;
    expect((await call(unknown, { token: tenant.accessToken, json: { rating: "like" } })).status).toBe(404);
    expect((await call(path, { token: other.accessToken, json: { rating: "like" } })).status).toBe(404);
    const otherConversation = await callJson<{ id: string }>(
      "/api/conversations",
      { token: tenant.accessToken, json: {} },
      201,
    );
    const elsewhere = `/api/conversations/${otherConversation.id}/messages/${ack.id}/feedback`;
    expect((await call(elsewhere, { token: tenant.accessToken, json: { rating: "like" } })).status).toBe(404);
  });
});
