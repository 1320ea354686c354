import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, Principal } from "../../lib/app-env";
import { AppError, notFound } from "../../lib/errors";
import { bearerSecurity, createRouter } from "../../lib/openapi";
import { authErrors, errors, IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { text } from "../../lib/text";
import { authorize } from "../auth/auth.middleware";
import type { Sender } from "./conversations.protocol";
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
  listConversations,
  loadConversation,
  resolveConversation,
  resumeConversation,
} from "./conversations.service";
import { conversationView } from "./conversations.views";
import { roomFor } from "./room-client";
import { issueConversationTicket } from "./tickets.service";

const tags = ["Conversations"];
const security = bearerSecurity;

/** The caller as a conversation participant: a user is staff, an API key an integration. */
const staff = (principal: Principal): Sender & { kind: "staff" | "integration" } => ({
  kind: principal.kind === "user" ? "staff" : "integration",
  id: principal.id,
});
const deps = (c: Context<AppEnv>) => ({ db: c.var.db, env: c.env, tenantId: c.var.principal.tenantId });

export const conversationRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      security,
      summary: "Start a conversation",
      middleware: authorize("conversations:write"),
      request: jsonBody(CreateConversationBody),
      responses: { 201: json(ConversationSchema, "Created"), ...errors(400, ...authErrors) },
    }),
    async (c) => c.json(await createConversation(deps(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      security,
      summary: "List conversations (newest activity first) with unread counts and last-message preview",
      middleware: authorize("conversations:read"),
      request: { query: ListConversationsQuery },
      responses: {
        200: json(z.object({ data: z.array(ConversationListItem), nextCursor: text().nullable() }), "A page"),
        ...errors(400, ...authErrors),
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
    createRoute({
      method: "get",
      path: "/stats",
      tags,
      security,
      summary: "Counts by status, average messages, duration and first-response time",
      middleware: authorize("conversations:read"),
      responses: { 200: json(StatsSchema, "Statistics"), ...errors(...authErrors) },
    }),
    async (c) => c.json(await conversationStats(c.var.db, c.var.principal.tenantId), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      security,
      summary: "Get a conversation",
      middleware: authorize("conversations:read"),
      request: { params: IdParams },
      responses: { 200: json(ConversationSchema, "The conversation"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) =>
      c.json(
        conversationView(await loadConversation(c.var.db, c.var.principal.tenantId, c.req.valid("param").id)),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      security,
      summary: "Delete a conversation and its history everywhere",
      middleware: authorize("conversations:delete"),
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      await deleteConversation(deps(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/resume",
      tags,
      security,
      summary: "Reopen an unresolved or expired conversation; returns the last seq and a ticket",
      middleware: authorize("conversations:write"),
      request: { params: IdParams },
      responses: {
        200: json(z.object({ conversation: ConversationSchema, ticket: TicketSchema }), "Resumed"),
        ...errors(400, 404, 409, ...authErrors),
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
    createRoute({
      method: "post",
      path: "/{id}/resolve",
      tags,
      security,
      summary: "Mark a conversation resolved",
      middleware: authorize("conversations:write"),
      request: { params: IdParams },
      responses: { 200: json(ConversationSchema, "Resolved"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => c.json(await resolveConversation(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/{id}/assign",
      tags,
      security,
      summary: "Assign to a staff user (who then owns it), or unassign with null",
      middleware: authorize("conversations:write"),
      request: { params: IdParams, ...jsonBody(AssignBody) },
      responses: { 200: json(ConversationSchema, "Assigned"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) =>
      c.json(await assignConversation(deps(c), c.req.valid("param").id, c.req.valid("json").assigneeId), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/handback",
      tags,
      security,
      summary: "Hand the conversation back to its AI agent",
      middleware: authorize("conversations:write"),
      request: { params: IdParams },
      responses: {
        200: json(ConversationSchema, "Back with the AI"),
        ...errors(400, 404, 409, ...authErrors),
      },
    }),
    async (c) => c.json(await handBack(deps(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/ticket",
      tags,
      security,
      summary: "A short-lived ticket for the conversation's WebSocket",
      middleware: authorize("conversations:write"),
      request: { params: IdParams },
      responses: { 200: json(TicketSchema, "Ticket"), ...errors(400, 404, ...authErrors) },
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
    createRoute({
      method: "get",
      path: "/{id}/messages",
      tags,
      security,
      summary: "Messages ordered by seq (after/before are exclusive seq bounds)",
      middleware: authorize("conversations:read"),
      request: { params: IdParams, query: MessagesQuery },
      responses: {
        200: json(z.object({ data: z.array(MessageSchema) }), "Messages"),
        ...errors(400, 404, ...authErrors),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const data = await roomFor(c.env, id).history(c.req.valid("query"));
      if (!data) throw notFound("Conversation");
      return c.json({ data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages/{messageId}",
      tags,
      security,
      summary: "One message",
      middleware: authorize("conversations:read"),
      request: { params: ConversationMessageParams },
      responses: { 200: json(MessageSchema, "The message"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const message = await roomFor(c.env, id).message(messageId);
      if (!message) throw notFound("Message");
      return c.json(message, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages",
      tags,
      security,
      summary: "Send a message as staff (idempotent by clientId; same path as a WebSocket send)",
      middleware: authorize("conversations:write"),
      request: { params: IdParams, ...jsonBody(PostMessageBody) },
      responses: {
        201: json(AckSchema, "Stored and broadcast"),
        200: json(AckSchema, "Already stored under this clientId"),
        ...errors(400, 404, 409, ...authErrors),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const result = await roomFor(c.env, id).post(staff(c.var.principal), c.req.valid("json"));
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
    createRoute({
      method: "post",
      path: "/{id}/read",
      tags,
      security,
      summary: "Read receipt: the caller has read up to seq",
      middleware: authorize("conversations:read"),
      request: { params: IdParams, ...jsonBody(ReadBody) },
      responses: {
        200: json(z.object({ seq: z.number().int() }), "Recorded"),
        ...errors(400, 404, ...authErrors),
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
    createRoute({
      method: "get",
      path: "/{id}/outbox",
      tags,
      security,
      summary: "The room's copy to Postgres: rows waiting and rows refused (dead letters) with the reason",
      middleware: authorize("conversations:outbox"),
      request: { params: IdParams },
      responses: { 200: json(OutboxSchema, "The outbox"), ...errors(400, 404, ...authErrors) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await loadConversation(c.var.db, c.var.principal.tenantId, id);
      const outbox = await roomFor(c.env, id).outbox(100);
      if (!outbox) throw notFound("Conversation");
      return c.json(outbox, 200);
    },
  );
