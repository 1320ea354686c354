import { createRoute } from "@hono/zod-openapi";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { authorizeCaller, downstreamAuthorization } from "./caller-auth";
import { ChatCompletionBody, ChatCompletionResult } from "./chat.schemas";
import { chatCompletion } from "./chat.service";

/** The orchestrated chat contract existing clients use. Mounted at /chat. */
export const chatRoutes = createRouter().openapi(
  createRoute({
    method: "post",
    path: "/completion",
    tags: ["Plans"],
    security: [...bearerSecurity, { apiKeyHeader: [] }],
    middleware: authorizeCaller("ai:chat"),
    summary: "Orchestrated chat: answers, or proposes a plan of API calls that runs once approved",
    description: [
      "First call (no `sessionId`): a direct answer with `needsApproval: false`, or a plan with `needsApproval: true`.",
      "A second call with the same `sessionId` and `isApproval: true`, or a message such as 'approve' / 'yes, go ahead', runs the plan (needs the plans:approve permission) and returns the result; 'reject' / 'cancel' rejects it.",
      "Everything is persisted: session, conversation, messages, plan and steps.",
      "Authenticate with `X-Api-Key: sb_…` to forward your own `Authorization: Bearer` token to your API; otherwise the action's stored token is used.",
    ].join("\n\n"),
    request: jsonBody(ChatCompletionBody),
    responses: {
      200: json(ChatCompletionResult, "The answer, the proposed plan, or the plan's result"),
      ...errors(400, 404, 409, 410, 502, 503, 504, ...authErrors),
    },
  }),
  async (c) => {
    const result = await chatCompletion(
      {
        db: c.var.db,
        config: c.var.config,
        env: c.env,
        principal: c.var.principal,
        downstream: await downstreamAuthorization(c),
      },
      c.req.valid("json"),
    );
    return c.json(result, 200);
  },
);
