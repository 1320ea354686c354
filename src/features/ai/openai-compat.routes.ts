import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, or } from "drizzle-orm";
import type { Context } from "hono";
import { agents, aiUsage } from "../../db/schema";
import type { AppEnv } from "../../lib/app-env";
import { AppError } from "../../lib/errors";
import { isUuid, uuidv7 } from "../../lib/ids";
import { describeError, log } from "../../lib/logger";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { ProviderError, providerFailure } from "../../providers/ai-chat";
import { authorize } from "../auth/auth.middleware";
import { type AgentContext, type Answer, generateAnswer, loadAgentContext } from "./answer";
import type { HistoryItem } from "./prompt";

const tags = ["OpenAI-compatible"];

const Content = z.union([text(), z.array(z.object({ type: text(), text: text().optional() }).loose())]);

const ChatCompletionBody = z
  .object({
    model: text().min(1).max(200).openapi({ description: "An agent's name or id" }),
    messages: z
      .array(
        z
          .object({
            role: z.enum(["system", "developer", "user", "assistant", "tool"]),
            content: Content.nullable(),
          })
          .loose(),
      )
      .min(1)
      .max(200),
    stream: z.boolean().default(false),
  })
  .loose()
  .openapi("ChatCompletionRequest");

const textOf = (content: z.infer<typeof Content> | null) =>
  typeof content === "string" ? content : (content ?? []).map((part) => part.text ?? "").join("");

/** Finds the agent a `model` names (id or name) in the caller's tenant. */
async function agentFor(c: Context<AppEnv>, model: string): Promise<AgentContext> {
  const { db, config, principal } = c.var;
  const [row] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(
        eq(agents.tenantId, principal.tenantId),
        eq(agents.enabled, true),
        isUuid(model) ? or(eq(agents.id, model), eq(agents.name, model)) : eq(agents.name, model),
      ),
    );
  if (!row)
    throw new AppError("not_found", `The model '${model}' does not exist (models are your agents' names)`);
  return loadAgentContext({ db, config }, principal.tenantId, row.id);
}

function toHistory(messages: z.infer<typeof ChatCompletionBody>["messages"]): {
  history: HistoryItem[];
  instructions: string;
} {
  const instructions = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .map((m) => textOf(m.content));
  const history = messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m): HistoryItem => ({ sender: m.role === "user" ? "visitor" : "ai", text: textOf(m.content) }));
  return { history, instructions: instructions.join("\n\n") };
}

const usageOf = (answer: Answer) => {
  const prompt = answer.usage?.promptTokens ?? 0;
  const completion = answer.usage?.completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

/**
 * A failure before anything was sent, as OpenAI reports errors (`type` as OpenAI names it, our
 * `code`); other errors go to the app's error handler.
 */
function openAiError(c: Context<AppEnv>, error: unknown): Response {
  const failure = providerFailure(error);
  if (!(failure instanceof AppError)) throw failure;
  const type =
    failure.status === 429
      ? "rate_limit_exceeded"
      : failure.status >= 500
        ? "server_error"
        : "invalid_request_error";
  const body = {
    error: { message: failure.message, type, param: null, code: failure.code, requestId: c.var.requestId },
  };
  return c.json(body, failure.status, failure.headers);
}

export const openAiCompatRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/models",
      tags,
      security: bearerSecurity,
      middleware: authorize("ai:chat"),
      summary: "Your enabled agents, as OpenAI models",
      responses: {
        200: json(
          z.object({
            object: z.literal("list"),
            data: z.array(
              z.object({
                id: text(),
                object: z.literal("model"),
                created: z.number(),
                owned_by: text(),
              }),
            ),
          }),
          "Models",
        ),
        ...errors(...authErrors),
      },
    }),
    async (c) => {
      const rows = await c.var.db
        .select({ name: agents.name, createdAt: agents.createdAt })
        .from(agents)
        .where(and(eq(agents.tenantId, c.var.principal.tenantId), eq(agents.enabled, true)))
        .orderBy(asc(agents.createdAt));
      const data = rows.map((r) => ({
        id: r.name,
        object: "model" as const,
        created: Math.floor(r.createdAt.getTime() / 1000),
        owned_by: "switchboard",
      }));
      return c.json({ object: "list" as const, data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/chat/completions",
      tags,
      security: bearerSecurity,
      middleware: authorize("ai:chat"),
      summary:
        "Chat with an agent (grounded in its documents) in OpenAI's format; `stream: true` for server-sent events",
      request: jsonBody(ChatCompletionBody),
      responses: {
        200: {
          description: "A chat.completion, or text/event-stream of chat.completion.chunk",
          content: {
            "application/json": { schema: z.object({}).loose() },
            "text/event-stream": { schema: text() },
          },
        },
        ...errors(400, 404, 429, 502, 503, 504, ...authErrors),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await agentFor(c, body.model);
      const { history, instructions } = toHistory(body.messages);
      if (!history.some((m) => m.sender === "visitor"))
        throw new AppError("validation_failed", "messages needs at least one user message");
      const agentCtx = instructions
        ? { ...ctx, agent: { ...ctx.agent, systemPrompt: `${ctx.agent.systemPrompt}\n\n${instructions}` } }
        : ctx;
      const id = `chatcmpl-${uuidv7()}`;
      const created = Math.floor(Date.now() / 1000);
      const deps = { db: c.var.db, config: c.var.config };
      const record = (answer: Answer) =>
        answer.usage
          ? c.var.db.insert(aiUsage).values({
              id: uuidv7(),
              tenantId: c.var.principal.tenantId,
              agentId: ctx.agent.id,
              ...answer.usage,
            })
          : Promise.resolve();

      if (!body.stream) {
        let answer: Answer;
        try {
          answer = await generateAnswer(deps, agentCtx, history);
        } catch (error) {
          return openAiError(c, error);
        }
        await record(answer);
        return c.json(
          {
            id,
            object: "chat.completion",
            created,
            model: body.model,
            choices: [
              { index: 0, message: { role: "assistant", content: answer.text }, finish_reason: "stop" },
            ],
            usage: usageOf(answer),
            citations: answer.citations,
          },
          200,
        );
      }

      const encoder = new TextEncoder();
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const writer = writable.getWriter();
      const chunk = (
        delta: Record<string, unknown>,
        finish: string | null,
        extra: Record<string, unknown> = {},
      ) =>
        writer.write(
          encoder.encode(
            `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
          ),
        );
      // The status is only decided once the first token arrives: a failure before it gets a proper one.
      let begun = false;
      let firstToken = () => {};
      const started = new Promise<void>((resolve) => {
        firstToken = resolve;
      });
      const begin = () => {
        if (!begun) void chunk({ role: "assistant", content: "" }, null);
        begun = true;
      };
      const answering = generateAnswer(deps, agentCtx, history, {
        onDelta: (text) => {
          begin();
          void chunk({ content: text }, null);
          firstToken();
        },
      });
      try {
        await Promise.race([started, answering]);
      } catch (error) {
        await writer.abort();
        return openAiError(c, error);
      }
      const run = (async () => {
        try {
          const answer = await answering;
          begin();
          await chunk({}, "stop", { usage: usageOf(answer), citations: answer.citations });
          await record(answer);
        } catch (error) {
          log("warn", "chat completion stream failed", {
            requestId: c.var.requestId,
            ...describeError(error),
          });
          const message =
            error instanceof ProviderError || error instanceof AppError ? error.message : "internal error";
          await writer.write(
            encoder.encode(`data: ${JSON.stringify({ error: { message, type: "server_error" } })}\n\n`),
          );
        } finally {
          await writer.write(encoder.encode("data: [DONE]\n\n"));
          await writer.close();
        }
      })();
      c.var.background(run, "chat completion stream");
      return new Response(readable, {
        headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
      });
    },
  );
