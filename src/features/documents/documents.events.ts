import type { InboxEvent } from "../inbox/inbox.protocol";
import { inboxClient } from "../inbox/inbox-client";

export type DocumentEvent = Extract<InboxEvent, { type: "document.updated" | "document.deleted" }>;

export type PublishDocumentEvent = (tenantId: string, event: DocumentEvent) => Promise<void>;

/**
 * Pushes document events to the tenant's live inbox stream. A dashboard showing progress is a
 * convenience: failing to notify it never fails an upload or a processing step (the client logs it).
 */
export function inboxPublisher(env: Env): PublishDocumentEvent {
  return (tenantId, event) => inboxClient(env, tenantId).publish(event);
}
