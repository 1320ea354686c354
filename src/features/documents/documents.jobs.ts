import { z } from "zod";

/** A queue message: process `generation` of a document. Older generations are ignored when they arrive. */
export const DocumentJobSchema = z.object({
  documentId: z.uuid(),
  tenantId: z.uuid(),
  generation: z.number().int().positive(),
});

export type DocumentJob = z.infer<typeof DocumentJobSchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    DOCUMENT_QUEUE: Queue<DocumentJob>;
  }
}

/** Where an upload stores a document's original (the row's `storage_key` records it). */
export const originalKey = (prefix: string, tenantId: string, documentId: string) =>
  `${prefix}${tenantId}/documents/${documentId}/original`;

const MAX_BACKOFF_SECONDS = 60 * 60;

/** Exponential backoff for the `attempts`-th delivery (1-based): base, 2×base, 4×base… capped at an hour. */
export const backoffSeconds = (base: number, attempts: number) =>
  Math.min(MAX_BACKOFF_SECONDS, base * 2 ** Math.max(0, attempts - 1));
