import type { PolicyStatus } from "../../db/schema";
import type { InboxEvent } from "../inbox/inbox.protocol";
import { inboxClient } from "../inbox/inbox-client";

export type PolicyUploadEvent = Extract<InboxEvent, { type: "policy.upload" }>;
export type PolicyUploadState = PolicyUploadEvent["upload"]["state"];

/** Tells the tenant's live inbox how an upload is doing; never throws (the inbox client logs). */
export type PublishUploadState = (
  tenantId: string,
  upload: { id: string; state: PolicyUploadState; policyId?: string | null; reason?: string | null },
) => Promise<void>;

/** Progress goes to the tenant's inbox stream: a convenience that never fails an upload or a job. */
export function uploadPublisher(env: Env): PublishUploadState {
  return (tenantId, upload) =>
    inboxClient(env, tenantId).publish({
      type: "policy.upload",
      upload: { policyId: null, reason: null, ...upload },
    });
}

/** A record's status as an upload state (a record is never "uploaded": that is the upload queued). */
export const stateOf = (status: PolicyStatus): PolicyUploadState =>
  status === "uploaded" ? "queued" : status;
