import { z } from "zod";

/** A queue message: run the next slice of a tenant's deletion, the one after `slice` slices. */
export const TenantDeletionJobSchema = z.object({
  jobId: z.uuid(),
  tenantId: z.uuid(),
  slice: z.number().int().min(0),
});

export type TenantDeletionJob = z.infer<typeof TenantDeletionJobSchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    TENANT_DELETION_QUEUE: Queue<TenantDeletionJob>;
  }
}

/** Where every stored file of a tenant lives (documents' originals and anything later under it). */
export const tenantStoragePrefix = (storagePrefix: string, tenantId: string) =>
  `${storagePrefix}${tenantId}/`;

/** What a job row keeps of an error: its kind and message, short (never request data). */
export const errorSummary = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
