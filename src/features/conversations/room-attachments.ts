import type { JsonObject } from "../../lib/json";

/** A file a message carries, as its metadata shows it (download: GET /api/attachments/{id}). */
export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * The files uploaded to this conversation, told by the upload route, so a message (REST or
 * WebSocket) names them by id and the room checks them without asking Postgres.
 */
export class RoomAttachments {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS attachments (id TEXT PRIMARY KEY, ref TEXT NOT NULL)");
  }

  add(ref: AttachmentRef): void {
    this.sql.exec("INSERT OR REPLACE INTO attachments (id, ref) VALUES (?, ?)", ref.id, JSON.stringify(ref));
  }

  /** A message's metadata with the refs of the files it names, or null when one is not of this conversation. */
  metadata(input: { metadata?: JsonObject; attachmentIds?: readonly string[] }): JsonObject | null {
    const refs: AttachmentRef[] = [];
    for (const id of new Set(input.attachmentIds ?? [])) {
      const row = this.sql.exec("SELECT ref FROM attachments WHERE id = ?", id).toArray()[0];
      if (!row) return null;
      refs.push(JSON.parse(String(row.ref)) as AttachmentRef);
    }
    return refs.length > 0 ? { ...input.metadata, attachments: refs } : (input.metadata ?? {});
  }
}
