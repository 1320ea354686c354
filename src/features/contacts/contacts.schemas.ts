import { z } from "@hono/zod-openapi";
import { contactSources } from "../../db/schema";
import { jsonObject, text } from "../../lib/text";

const Name = text().trim().min(1).max(200);
const Email = z.email().max(320).openapi({ example: "jane@example.com" });
const Phone = text()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,40}$/, "must be a phone number (digits, spaces, + ( ) . / -)")
  .openapi({ example: "+44 20 7946 0000" });
const ExternalUserId = text().trim().min(1).max(200).openapi({
  description: "Your own user id for this person (the widget's verified `data-user-id`)",
});
const AvatarUrl = z.url({ protocol: /^https?$/ }).max(2000);
const CustomAttributes = jsonObject(8 * 1024).openapi({ description: "Free-form JSON, at most 8 KiB" });
const Notes = text().max(10_000);

export const ContactIdentitySchema = z
  .object({
    type: text().openapi({ example: "whatsapp", description: "`user`, `visitor`, or a channel's kind" }),
    ref: text().openapi({ example: "447700900123" }),
  })
  .openapi("ContactIdentity");

export const ContactSchema = z
  .object({
    id: z.uuid(),
    name: text().nullable(),
    email: text().nullable(),
    phone: text().nullable(),
    externalUserId: text().nullable(),
    avatarUrl: text().nullable(),
    customAttributes: z.record(text(), z.unknown()),
    notes: text().nullable(),
    createdFrom: z.enum(contactSources),
    identities: z.array(ContactIdentitySchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Contact");

export const CreateContactBody = z
  .object({
    name: Name.optional(),
    email: Email.optional(),
    phone: Phone.optional(),
    externalUserId: ExternalUserId.optional(),
    avatarUrl: AvatarUrl.optional(),
    customAttributes: CustomAttributes.default({}),
    notes: Notes.optional(),
  })
  .openapi("CreateContact");

export const UpdateContactBody = z
  .object({
    name: Name.nullable().optional(),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
    externalUserId: ExternalUserId.nullable().optional(),
    avatarUrl: AvatarUrl.nullable().optional(),
    customAttributes: CustomAttributes.optional(),
    notes: Notes.nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "Nothing to update",
  })
  .openapi("UpdateContact");

export const ListContactsQuery = z.object({
  q: text()
    .trim()
    .max(200)
    .optional()
    .openapi({ description: "Part of a name, email or phone number (case-insensitive)" }),
  cursor: z.uuid().optional().openapi({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const MergeContactBody = z
  .object({
    contactId: z
      .uuid()
      .openapi({ description: "The duplicate: merged into the contact of the path, then removed" }),
  })
  .openapi("MergeContacts");
