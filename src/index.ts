import { createApp } from "./app";
import { consumeDeadDocumentJobs, consumeDocumentJobs } from "./features/documents/documents.consumer";
import {
  consumeDeadNotificationJobs,
  consumeNotificationJobs,
} from "./features/notifications/notifications.consumer";
import { consumeDeadPolicyJobs, consumePolicyJobs } from "./features/policies/policies.consumer";
import {
  consumeDeadTenantDeletions,
  consumeTenantDeletions,
} from "./features/tenants/tenant-deletion.consumer";
import { consumeDeadWebhookJobs, consumeWebhookJobs } from "./features/webhooks/webhooks.consumer";

export { ConversationRoom } from "./features/conversations/conversation-room";
export { TenantInbox } from "./features/inbox/tenant-inbox";

const app = createApp();

/** Queue consumers by queue name suffix (names carry the environment, e.g. switchboard-staging-documents). */
const queueConsumers = [
  { suffix: "-documents-dlq", consume: consumeDeadDocumentJobs },
  { suffix: "-documents", consume: consumeDocumentJobs },
  { suffix: "-policies-dlq", consume: consumeDeadPolicyJobs },
  { suffix: "-policies", consume: consumePolicyJobs },
  { suffix: "-tenant-deletions-dlq", consume: consumeDeadTenantDeletions },
  { suffix: "-tenant-deletions", consume: consumeTenantDeletions },
  { suffix: "-webhooks-dlq", consume: consumeDeadWebhookJobs },
  { suffix: "-webhooks", consume: consumeWebhookJobs },
  { suffix: "-notifications-dlq", consume: consumeDeadNotificationJobs },
  { suffix: "-notifications", consume: consumeNotificationJobs },
];

export default {
  fetch: app.fetch,
  queue: async (batch, env) => {
    const consumer = queueConsumers.find(({ suffix }) => batch.queue.endsWith(suffix));
    if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
    await consumer.consume(batch, env);
  },
} satisfies ExportedHandler<Env>;
