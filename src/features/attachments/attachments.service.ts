import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { attachments } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { uuidv7 } from "../../lib/ids";
import { assertUploadSize, uploadedName } from "../../lib/uploads";
import type { Storage } from "../../providers/storage";
import { loadConversation } from "../conversations/conversations.service";
import { roomFor } from "../conversations/room-client";
import { detectAttachmentType } from "../documents/file-type";
import { conversationFilesPrefix } from "./attachments.storage";
import type { Participant } from "./participant";

export interface AttachmentDeps {
  db: Database;
  env: Env;
  storage: Storage;
  storagePrefix: string;
  maxBytes: number;
}

type AttachmentRow = typeof attachments.$inferSelect;

export const attachmentView = (row: AttachmentRow) => ({
  id: row.id,
  conversationId: row.conversationId,
  filename: row.filename,
  contentType: row.contentType,
  sizeBytes: row.sizeBytes,
  url: `/api/attachments/${row.id}`,
  createdAt: row.createdAt.toISOString(),
});

/** Stores an image or PDF sent in a conversation and tells its room (messages then name it by id). */
export async function uploadAttachment(
  deps: AttachmentDeps,
  who: Participant,
  conversationId: string,
  file: { bytes: Uint8Array; filename?: string | undefined },
  /** Chosen when its signed upload URL was made; such a URL stores one file only. */
  id = uuidv7(),
) {
  await loadConversation(deps.db, who.tenantId, conversationId);
  assertUploadSize(file.bytes.byteLength, deps.maxBytes);
  if (file.bytes.byteLength === 0) throw new AppError("validation_failed", "The file is empty");
  const contentType = detectAttachmentType(file.bytes);
  const [taken] = await deps.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(eq(attachments.id, id));
  if (taken) throw new AppError("conflict", "This upload URL was used already");
  const storageKey = `${conversationFilesPrefix(deps.storagePrefix, who.tenantId, conversationId)}${id}`;
  await deps.storage.put(storageKey, file.bytes, contentType);
  const [row] = await deps.db
    .insert(attachments)
    .values({
      id,
      tenantId: who.tenantId,
      conversationId,
      storageKey,
      filename: uploadedName(file.filename ?? "", contentType === "application/pdf" ? "file.pdf" : "image"),
      contentType,
      sizeBytes: file.bytes.byteLength,
      uploadedByKind: who.kind,
      uploadedById: who.id,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("conflict", "This upload URL was used already");
  const { filename, sizeBytes } = row;
  await roomFor(deps.env, conversationId).attach({ id, filename, contentType, sizeBytes });
  return attachmentView(row);
}

/** An attachment the participant may read: staff of its tenant, or the visitor of its conversation. */
export async function readAttachment(
  deps: Pick<AttachmentDeps, "db" | "storage">,
  who: Participant,
  id: string,
) {
  const [row] = await deps.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.tenantId, who.tenantId)));
  if (!row || (who.conversationId !== null && row.conversationId !== who.conversationId))
    throw notFound("Attachment");
  const object = await deps.storage.get(row.storageKey);
  if (!object) throw notFound("Attachment");
  return { row, object };
}
