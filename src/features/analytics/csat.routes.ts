import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { decodeJwt } from "jose";
import type { AppEnv } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { enforceRateLimit } from "../../lib/rate-limit";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { verifyTicket } from "../../lib/tickets";
import { admit } from "../auth/auth.middleware";
import { loadConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { verifyVisitorToken } from "../widget/visitor-token";
import { CsatBody, type CsatCredentials, CsatQuery, CsatSchema } from "./csat.schemas";
import { answerCsat } from "./csat.service";

const bearer = (c: Context<AppEnv>) => /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];

/** The visitor whose widget visitor token (long-lived; a resolved conversation gives no new ticket) this is. */
async function visitorRespondent(c: Context<AppEnv>, conversationId: string) {
  const claims = await visitorOf(bearer(c) ?? "", c.var.config.JWT_SECRET);
  await enforceRateLimit(c.env.API_RATE_LIMITER, `visitor:${claims.visitorId}`);
  const row = await loadConversation(c.var.db, claims.tenantId, conversationId);
  // Another visitor's conversation is as unknown as another tenant's.
  if (row.visitorId !== claims.visitorId) throw notFound("Conversation");
  return { tenantId: claims.tenantId, kind: "visitor", id: claims.visitorId };
}

/**
 * Who answers: the visitor with their conversation ticket, or a tenant's user or API key allowed to
 * write conversations.
 */
async function respondent(c: Context<AppEnv>, conversationId: string, query: CsatCredentials) {
  const { ticket } = query;
  if (ticket) {
    const claims = await verifyTicket(ticket, c.var.config.JWT_SECRET, "conversation", conversationId);
    if (claims.kind !== "visitor") throw new AppError("forbidden", "Staff answer with a bearer token");
    await enforceRateLimit(c.env.API_RATE_LIMITER, `visitor:${claims.participantId}`);
    return { tenantId: claims.tenantId, kind: "visitor", id: claims.participantId };
  }
  const token = bearer(c);
  if (!token) throw new AppError("unauthorized", "Missing bearer token or ticket");
  await admit(c, token, "conversations:write");
  const { principal } = c.var;
  return {
    tenantId: principal.tenantId,
    kind: principal.kind === "user" ? "staff" : "integration",
    id: principal.id,
  };
}

/** The visitor a widget's visitor token names (signed by us for its widget key). */
async function visitorOf(token: string, secret: string) {
  let widgetKeyId: unknown;
  try {
    widgetKeyId = decodeJwt(token).wk;
  } catch {
    widgetKeyId = undefined;
  }
  const claims =
    typeof widgetKeyId === "string" ? await verifyVisitorToken(token, secret, widgetKeyId) : null;
  if (!claims) throw new AppError("unauthorized", "Invalid or expired visitor token");
  return claims;
}

/** Records an answer from whoever `who` resolved to. */
function answer(
  c: Context<AppEnv>,
  id: string,
  who: { tenantId: string; kind: string; id: string },
  body: z.infer<typeof CsatBody>,
) {
  const deps = { db: c.var.db, env: c.env, tenantId: who.tenantId, room: roomFor(c.env, id) };
  return answerCsat(deps, id, { kind: who.kind, id: who.id }, body);
}

/** The satisfaction survey's answer as the widget sends it (Bearer: the visitor token). Mounted at /api/widget. */
export const widgetCsatRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/conversations/{id}/csat",
    tags: ["Widget"],
    summary: "A visitor answers the satisfaction survey of their conversation (Bearer: the visitor token)",
    description: "Rating 1–5 and an optional comment, once per survey (a second answer is a 409).",
    security: bearerSecurity,
    request: { params: IdParams, ...jsonBody(CsatBody) },
    responses: { 201: json(CsatSchema, "Recorded"), ...errors(400, 401, 404, 409, 429) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await answer(c, id, await visitorRespondent(c, id), c.req.valid("json")), 201);
  },
);

/** The satisfaction survey's answer. Mounted at /api/conversations. */
export const csatRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/{id}/csat",
    tags: ["Analytics"],
    summary: "Answer the satisfaction survey sent when the conversation was resolved (once)",
    description:
      "Rating 1–5 and an optional comment. API clients use a bearer token; a visitor passes their conversation ticket as `?ticket=` (valid for 60 s; the widget uses `POST /api/widget/conversations/{id}/csat` with its visitor token). A second answer to the same survey is a 409, as is an answer when no survey was sent.",
    security: [...bearerSecurity, {}],
    request: { params: IdParams, query: CsatQuery, ...jsonBody(CsatBody) },
    responses: {
      201: json(CsatSchema, "Recorded"),
      ...errors(400, 404, 409, ...authErrors),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const who = await respondent(c, id, c.req.valid("query"));
    return c.json(await answer(c, id, who, c.req.valid("json")), 201);
  },
);
