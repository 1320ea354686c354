import { z } from "zod";
import { text } from "../../lib/text";

/** An asynchronous Textract job reading the upload, and how often it has been checked. */
export const TextractPollSchema = z.object({
  jobId: text().min(1).max(64),
  api: z.enum(["analysis", "text"]),
  polls: z.number().int().min(0),
});

export type TextractPoll = z.infer<typeof TextractPollSchema>;

/** A queue message: extract `generation` of a policy upload. Older generations are ignored. With
 * `textract`, the message is a delayed check of the Textract job started for it. */
export const PolicyJobSchema = z.object({
  uploadId: z.uuid(),
  tenantId: z.uuid(),
  generation: z.number().int().positive(),
  textract: TextractPollSchema.optional(),
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
