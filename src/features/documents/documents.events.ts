import { describeError, log } from "../../lib/logger";
import { inboxFor } from "../conversations/conversations.service";

export type DocumentEvent =
  | { type: "document.updated"; document: Record<string, unknown> }
  | { type: "document.deleted"; documentId: string };

export type PublishDocumentEvent = (tenantId: string, event: DocumentEvent) => Promise<void>;

/**
 * Pushes document events to the tenant's live inbox stream. A dashboard showing progress is a
 * convenience: failing to notify it must never fail an upload or a processing step.
 */
export function inboxPublisher(env: Env): PublishDocumentEvent {
  return async (tenantId, event) => {
    try {
      await inboxFor(env, tenantId).publish(event);
    } catch (error) {
      log("warn", "document event not delivered", { tenantId, type: event.type, ...describeError(error) });
    }
  };
}
