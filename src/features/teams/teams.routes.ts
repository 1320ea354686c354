import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";
import { IdParams, json } from "../../lib/responses";
import { jsonBody } from "../../lib/route-helpers";
import { featureRoutes } from "../auth/api-route";
import { CreateTeamBody, MemberParams, TeamSchema, UpdateTeamBody } from "./teams.schemas";
import {
  addMember,
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  removeMember,
  updateTeam,
} from "./teams.service";

const route = featureRoutes(["Teams"]);

export const teamRoutes = createRouter()
  .openapi(
    route("teams:manage", {
      method: "post",
      path: "/",
      summary: "Create a team of staff users (optionally with round-robin assignment)",
      request: jsonBody(CreateTeamBody),
      errors: [400],
      responses: { 201: json(TeamSchema, "Created") },
    }),
    async (c) => c.json(await createTeam(c.var.db, c.var.principal.tenantId, c.req.valid("json")), 201),
  )
  .openapi(
    route("teams:read", {
      method: "get",
      path: "/",
      summary: "List the tenant's teams with their members",
      responses: { 200: json(z.object({ data: z.array(TeamSchema) }), "Teams") },
    }),
    async (c) => c.json({ data: await listTeams(c.var.db, c.var.principal.tenantId) }, 200),
  )
  .openapi(
    route("teams:read", {
      method: "get",
      path: "/{id}",
      summary: "Get a team",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 200: json(TeamSchema, "The team") },
    }),
    async (c) => c.json(await getTeam(c.var.db, c.var.principal.tenantId, c.req.valid("param").id), 200),
  )
  .openapi(
    route("teams:manage", {
      method: "put",
      path: "/{id}",
      summary: "Rename a team or change its round-robin settings",
      request: { params: IdParams, ...jsonBody(UpdateTeamBody) },
      errors: [400, 404],
      responses: { 200: json(TeamSchema, "Updated") },
    }),
    async (c) =>
      c.json(
        await updateTeam(c.var.db, c.var.principal.tenantId, c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
  )
  .openapi(
    route("teams:manage", {
      method: "delete",
      path: "/{id}",
      summary: "Delete a team (its conversations keep their assignee)",
      request: { params: IdParams },
      errors: [400, 404],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      await deleteTeam(c.var.db, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    route("teams:manage", {
      method: "put",
      path: "/{id}/members/{userId}",
      summary: "Add a staff user to the team",
      request: { params: MemberParams },
      errors: [400, 404],
      responses: { 200: json(TeamSchema, "The team") },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      return c.json(await addMember(c.var.db, c.var.principal.tenantId, id, userId), 200);
    },
  )
  .openapi(
    route("teams:manage", {
      method: "delete",
      path: "/{id}/members/{userId}",
      summary: "Remove a member from the team",
      request: { params: MemberParams },
      errors: [400, 404],
      responses: { 200: json(TeamSchema, "The team") },
    }),
    async (c) => {
      const { id, userId } = c.req.valid("param");
      return c.json(await removeMember(c.var.db, c.var.principal.tenantId, id, userId), 200);
    },
  );
