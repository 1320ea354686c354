import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { featureRoutes } from "../auth/api-route";
import { renderCannedResponse } from "../canned-responses/canned-responses.service";
import { templatePost } from "../channels/channel-template";
import { listConversations } from "./conversation-list";
import { MAX_TEXT_CHARS, type Sender } from "./conversations.protocol";
import {
  AckSchema,
  AssignBody,
  ConversationListItem,
  ConversationMessageParams,
  ConversationSchema,
  CreateConversationBody,
  ListConversationsQuery,
  MessageSchema,
  MessagesQuery,
  OutboxSchema,
  PostMessageBody,
  ReadBody,
  StatsSchema,
  TicketSchema,
} from "./conversations.schemas";
import {
  assignConversation,
  conversationStats,
  createConversation,
  deleteConversation,
  handBack,
  loadConversation,
  resolveConversation,
  resumeConversation,
} from "./conversations.service";
import { conversationView } from "./conversations.views";
import { roomFor } from "./room-client";
import { issueConversationTicket } from "./tickets.service";

const tags = ["Conversations"];
const route = featureRoutes(tags);

/** The caller as a conversation participant: a user is staff, an API key an integration. */
const staff = (principal: Principal): Sender & { kind: "staff" | "integration" } => ({
  kind: principal.kind === "user" ? "staff" : "integration",
  id: principal.id,
});
const deps = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId });

export const conversationRoutes = createRouter()
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/",
      summary: "Start a conversation",
      request: jsonBody(CreateConversationBody),
      errors: [400],
      responses: { 201: json(ConversationSchema, "Created") },
    }),
    async (c) => c.json(await createConversation(deps(c), c.req.valid("json")), 201),
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/",
      summary: "List conversations (newest activity first) with unread counts and last-message preview",
      request: { query: ListConversationsQuery },
      errors: [400],
      responses: {
        200: json(z.object({ data: z.array(ConversationListItem), nextCursor: text().nullable() }), "A page"),
      },
    }),
    async (c) =>
      c.json(
        await listConversations(
          c.var.db,
          c.var.principal.tenantId,
          staff(c.var.principal),
          c.req.valid("query"),
        ),
        200,
      ),
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/stats",
      summary: "Counts by status, average messages, duration and first-response time",
      responses: { 200: json(StatsSchema, "Statistics") },
    }),
    async (c) => c.json(await conversationStats(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/{id}",
      summary: "Get a conversation",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(ConversationSchema, "The conversation") },
    }),
    async (c) => {
      const row = await loadConversation(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      // A channel conversation shows its messaging window (asked of its room, which knows the last customer message).
      const window = row.channelId
        ? ((await roomFor(c.env, row.id).channelWindow()) ?? undefined)
        : undefined;
      return c.json({ ...conversationView(row), ...(window ? { window } : {}) }, 200);
    },
  )
  .openapi(
    route("conversations:delete", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a conversation and its history everywhere",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteConversation(deps(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/resume",
      summary: "Reopen an unresolved or expired conversation; returns the last seq and a ticket",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: {
        200: json(z.object({ conversation: ConversationSchema, ticket: TicketSchema }), "Resumed"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { conversation } = await resumeConversation(deps(c), id);
      const ticket = await issueConversationTicket(
        c.env,
        c.var.config.JWT_SECRET,
        conversation,
        staff(c.var.principal).kind,
        c.var.principal.id,
      );
      return c.json({ conversation, ticket }, 200);
    },
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/resolve",
      summary: "Mark a conversation resolved",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(ConversationSchema, "Resolved") },
    }),
    async (c) => c.json(await resolveConversation(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "put",
      path: "/{id}/assign",
      summary: "Assign to a staff user (who then owns it) or unassign with null, and/or to a team",
      request: { params: IdParams, ...jsonBody(AssignBody) },
      errors: [400, 404],
      responses: { 200: json(ConversationSchema, "Assigned") },
    }),
    async (c) => c.json(await assignConversation(deps(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/handback",
      summary: "Hand the conversation back to its AI agent",
      request: { params: IdParams },
      errors: [400, 404, 409],
      responses: {
        200: json(ConversationSchema, "Back with the AI"),
      },
    }),
    async (c) => c.json(await handBack(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/ticket",
      summary: "A short-lived ticket for the conversation's WebSocket",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(TicketSchema, "Ticket") },
    }),
    async (c) => {
      const conversation = await loadConversation(
        c.var.db,
        c.var.principal.tenantId,
        c.req.valid("param").id,
      );
      return c.json(
        await issueConversationTicket(
          c.env,
          c.var.config.JWT_SECRET,
          conversation,
          staff(c.var.principal).kind,
          c.var.principal.id,
        ),
        200,
      );
    },
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/{id}/messages",
      summary: "Messages ordered by seq (after/before are exclusive seq bounds)",
      request: { params: IdParams, query: MessagesQuery },
      errors: [400, 404],
      responses: {
        200: json(z.object({ data: z.array(MessageSchema) }), "Messages"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      // The room knows its tenant: one call, no Postgres lookup of the conversation first.
      const data = await roomFor(c.env, id).history(c.var.principal.tenantId, c.req.valid("query"));
      if (!data) throw notFound("Conversation");
      return c.json({ data }, 200);
    },
  )
  .openapi(
    route("conversations:read", {
      method: "get",
      path: "/{id}/messages/{messageId}",
      summary: "One message",
      request: { params: ConversationMessageParams },
      errors: [400, 404],
      responses: { 200: json(MessageSchema, "The message") },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const message = await roomFor(c.env, id).message(c.var.principal.tenantId, messageId);
      if (!message) throw notFound("Message");
      return c.json(message, 200);
    },
  )
  .openapi(
    route("conversations:write", {
      method: "post",
      path: "/{id}/messages",
      summary:
        "Send a message or a private note as staff, or a canned response (idempotent by clientId; same path as a WebSocket send)",
      request: { params: IdParams, ...jsonBody(PostMessageBody) },
      errors: [400, 404, 409],
      responses: {
        201: json(AckSchema, "Stored and broadcast"),
        200: json(AckSchema, "Already stored under this clientId"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { principal } = c.var;
      const conversation = await loadConversation(c.var.db, principal.tenantId, id);
      const { cannedResponseId, text = "", template, ...body } = c.req.valid("json");
      // A template goes as it is (WhatsApp renders it); text may come from a canned response.
      const post = template
        ? templatePost(conversation.channel, template)
        : {
            text: cannedResponseId
              ? await renderCannedResponse(c.var.db, {
                  tenantId: principal.tenantId,
                  id: cannedResponseId,
                  conversation,
                  userId: principal.kind === "user" ? principal.id : null,
                })
              : text,
          };
      if (post.text.trim() === "" || post.text.length > MAX_TEXT_CHARS)
        throw new AppError(
          "validation_failed",
          `The rendered text is empty or longer than ${MAX_TEXT_CHARS} characters`,
        );
      const result = await roomFor(c.env, id).post(staff(principal), { ...body, ...post });
      if (!result.ok) throw new AppError(result.code, result.message);
      const { message, duplicate } = result;
      const ack = {
        clientId: message.clientId ?? null,
        seq: message.seq,
        id: message.id,
        duplicate,
        message,
      };
      return duplicate ? c.json(ack, 200) : c.json(ack, 201);
    },
  )
  .openapi(
    route("conversations:read", {
      method: "post",
      path: "/{id}/read",
      summary: "Read receipt: the caller has read up to seq",
      request: { params: IdParams, ...jsonBody(ReadBody) },
      errors: [400, 404],
      responses: {
        200: json(z.object({ seq: z.number().int() }), "Recorded"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const result = await roomFor(c.env, id).read(staff(c.var.principal), c.req.valid("json").seq);
      if (!result) throw notFound("Conversation");
      return c.json(result, 200);
    },
  )
  .openapi(
    route("conversations:outbox", {
      method: "get",
      path: "/{id}/outbox",
      summary: "The room's copy to Postgres: rows waiting and rows refused (dead letters) with the reason",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(OutboxSchema, "The outbox") },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const outbox = await roomFor(c.env, id).outbox(100);
      if (!outbox) throw notFound("Conversation");
      return c.json(outbox, 200);
    },
  );
