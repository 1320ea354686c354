import { createApp } from "./app";
import { rebuildScheduledRollups } from "./features/analytics/rollups.scheduled";
import {
  consumeChannelDeliveries,
  consumeDeadChannelDeliveries,
} from "./features/channels/channels.consumer";
import { consumeDeadDocumentJobs, consumeDocumentJobs } from "./features/documents/documents.consumer";
import { consumeDeadPolicyJobs, consumePolicyJobs } from "./features/policies/policies.consumer";
import {
  consumeDeadTenantDeletions,
  consumeTenantDeletions,
} from "./features/tenants/tenant-deletion.consumer";

export { ConversationRoom } from "./features/conversations/conversation-room";
export { TenantInbox } from "./features/inbox/tenant-inbox";

const app = createApp();

/** Queue consumers by queue name suffix (names carry the environment, e.g. switchboard-staging-documents). */
const queueConsumers = [
  { suffix: "-channels-dlq", consume: consumeDeadChannelDeliveries },
  { suffix: "-channels", consume: consumeChannelDeliveries },
  { suffix: "-documents-dlq", consume: consumeDeadDocumentJobs },
  { suffix: "-documents", consume: consumeDocumentJobs },
  { suffix: "-policies-dlq", consume: consumeDeadPolicyJobs },
  { suffix: "-policies", consume: consumePolicyJobs },
  { suffix: "-tenant-deletions-dlq", consume: consumeDeadTenantDeletions },
  { suffix: "-tenant-deletions", consume: consumeTenantDeletions },
];

export default {
  fetch: app.fetch,
  queue: async (batch, env) => {
    const consumer = queueConsumers.find(({ suffix }) => batch.queue.endsWith(suffix));
    if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
    await consumer.consume(batch, env);
  },
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(rebuildScheduledRollups(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
