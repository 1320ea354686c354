import { z } from "zod";

/** A queue message: extract `generation` of a policy upload. Older generations are ignored. */
export const PolicyJobSchema = z.object({
  uploadId: z.uuid(),
  tenantId: z.uuid(),
  generation: z.number().int().positive(),
});

export type PolicyJob = z.infer<typeof PolicyJobSchema>;

declare global {
  interface Env {
    // wrangler types cannot know what a queue carries; its producers send this.
    POLICY_QUEUE: Queue<PolicyJob>;
  }
}

/** Where an upload stores the original PDF, under the tenant's prefix. */
export const policyPdfKey = (prefix: string, tenantId: string, uploadId: string) =>
  `${prefix}${tenantId}/policies/${uploadId}/original.pdf`;
