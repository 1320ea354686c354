import { z } from "@hono/zod-openapi";
import { nonEmptyUpdate } from "../../lib/route-helpers";
import { text } from "../../lib/text";

const Name = text().trim().min(1).max(120).openapi({ example: "Billing" });
const AutoAssign = z.boolean().openapi({
  description: "Round-robin: a conversation of this team that waits for a human goes to an online member",
});
const Limit = z.number().int().min(1).max(1000).nullable().openapi({
  description: "Auto-assignment skips a member with this many open conversations (null: no limit)",
  example: 5,
});

export const CreateTeamBody = z
  .object({
    name: Name,
    autoAssign: AutoAssign.default(false),
    maxOpenPerAgent: Limit.default(null),
    memberIds: z.array(z.uuid()).max(200).default([]).openapi({ description: "Staff users of the tenant" }),
  })
  .openapi("CreateTeam");

export const UpdateTeamBody = nonEmptyUpdate(
  z.object({ name: Name.optional(), autoAssign: AutoAssign.optional(), maxOpenPerAgent: Limit.optional() }),
).openapi("UpdateTeam");

export const TeamSchema = z
  .object({
    id: z.uuid(),
    name: text(),
    autoAssign: z.boolean(),
    maxOpenPerAgent: z.number().int().nullable(),
    members: z.array(z.object({ userId: z.uuid(), name: text(), email: text() })),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Team");

export const MemberParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});
