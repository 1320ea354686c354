import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import { staffTicket } from "../../support/conversations";
import { isType, mustOpen } from "../../support/ws";
import { eventsOf, named, say, session, staffReply, visitor } from "./helpers";

const csatPath = (id: string, ticket?: string) =>
  `/api/conversations/${id}/csat${ticket ? `?ticket=${encodeURIComponent(ticket)}` : ""}`;
/** The widget's way: its visitor token as the bearer token, on the widget's route. */
const byVisitor = (id: string, token: string, rating: number) =>
  call(`/api/widget/conversations/${id}/csat`, { token, json: { rating } });
const resolve = (token: string, id: string) =>
  callJson(`/api/conversations/${id}/resolve`, { method: "POST", token }, 200);

describe("CSAT survey", () => {
  it("asks the visitor when the conversation is resolved and records one answer from their ticket", async () => {
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    await say(chat, "Where is my parcel?");
    await staffReply(tenant, chat.conversationId, "Delivered today.");
    await resolve(tenant.accessToken, chat.conversationId);
    const frame = await chat.socket.next(isType("csat"));
    expect(frame).toMatchObject({ question: expect.any(String), scale: { min: 1, max: 5 } });

    // A visitor who comes back before answering is asked again.
    const url = `/api/conversations/${chat.conversationId}/ws?ticket=${encodeURIComponent(chat.ticket)}`;
    const again = await mustOpen(url);
    expect(await again.next(isType("csat"))).toMatchObject({ surveyId: frame.surveyId });
    await again.next(isType("ready"));

    const answer = await callJson(
      csatPath(chat.conversationId, chat.ticket),
      { json: { rating: 4, comment: "Quick, thanks" } },
      201,
    );
    expect(answer).toMatchObject({
      conversationId: chat.conversationId,
      surveyId: frame.surveyId,
      rating: 4,
      comment: "Quick, thanks",
      respondent: { kind: "visitor", id: expect.stringMatching(/^v_/) },
    });
    const second = await call(csatPath(chat.conversationId, chat.ticket), { json: { rating: 1 } });
    expect(second.status).toBe(409);

    const events = await eventsOf(chat.conversationId);
    expect(named(events, "csat_sent")).toHaveLength(1);
    expect(named(events, "csat_response").map((e) => [e.actor, e.valueS, e.dims])).toEqual([
      ["human", 4, { rating: 4, surveyId: frame.surveyId, respondent: "visitor" }],
    ]);
    expect(named(events, "csat_response")[0]).toMatchObject({
      channel: "web",
      conversationId: chat.conversationId,
    });

    // Answered: a reconnecting visitor is not asked again.
    const later = await mustOpen(url);
    await later.next(isType("ready"));
    expect(later.frames.some(isType("csat"))).toBe(false);
    // The first test of the file also starts the Worker, which takes over 10 s on a loaded machine.
  }, 30_000);

  it("takes an answer from an API client, refuses bad input with 400 and an answer before any survey with 409", async () => {
    const tenant = await registerTenant();
    const key = await callJson<{ key: string }>(
      "/api/api-keys",
      { token: tenant.accessToken, json: { name: "survey tool" } },
      201,
    );
    const chat = await visitor(tenant);
    await say(chat, "Hello");
    const early = await call(csatPath(chat.conversationId), { token: key.key, json: { rating: 5 } });
    expect(early.status).toBe(409);

    await resolve(tenant.accessToken, chat.conversationId);
    for (const body of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: "5" },
      {},
      { rating: 5, comment: "x".repeat(1001) },
      { rating: 5, comment: "nul\u0000" },
      { rating: 5, extra: true },
    ]) {
      const response = await call(csatPath(chat.conversationId), { token: key.key, json: body });
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect((await call(csatPath(chat.conversationId), { json: { rating: 5 } })).status).toBe(401);
    expect((await call(csatPath(chat.conversationId, "not-a-ticket"), { json: { rating: 5 } })).status).toBe(
      401,
    );
    // A staff member's ticket is not the customer's voice.
    const staff = await staffTicket(tenant, chat.conversationId);
    expect((await call(csatPath(chat.conversationId, staff.ticket), { json: { rating: 5 } })).status).toBe(
      403,
    );
    // A visitor's ticket names its own conversation only.
    const other = await visitor(tenant);
    expect((await call(csatPath(chat.conversationId, other.ticket), { json: { rating: 5 } })).status).toBe(
      403,
    );

    const answer = await callJson(
      csatPath(chat.conversationId),
      { token: key.key, json: { rating: 5, comment: "x".repeat(1000) } },
      201,
    );
    expect(answer).toMatchObject({ rating: 5, respondent: { kind: "integration" } });
    expect((await call(csatPath(chat.conversationId), { token: key.key, json: { rating: 2 } })).status).toBe(
      409,
    );
  });

  it("takes the visitor's answer with their long-lived visitor token; another visitor's token is a 404", async () => {
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    await say(chat, "Hi");
    const stranger = await session(chat.widgetKey);
    await resolve(tenant.accessToken, chat.conversationId);
    const { conversationId: id } = chat;
    expect((await byVisitor(id, stranger.visitorToken, 1)).status).toBe(404);
    expect((await byVisitor(id, "garbage", 1)).status).toBe(401);
    expect((await byVisitor(id, chat.ticket, 1)).status).toBe(401);
    const answered = await byVisitor(id, chat.visitorToken, 3);
    expect(answered.status).toBe(201);
    expect(await answered.json()).toMatchObject({
      rating: 3,
      comment: null,
      respondent: { kind: "visitor" },
    });
    expect((await byVisitor(id, chat.visitorToken, 3)).status).toBe(409);
  });
});
