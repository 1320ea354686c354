import { createApp } from "./app";
import { rebuildScheduledRollups } from "./features/analytics/rollups.scheduled";
import {
  consumeChannelDeliveries,
  consumeDeadChannelDeliveries,
} from "./features/channels/channels.consumer";
import {
  consumeDeadNotificationJobs,
  consumeNotificationJobs,
} from "./features/notifications/notifications.consumer";
import { requeuePolicySnapshots } from "./features/policies/snapshots.consumer";
import {
  consumeDeadTenantDeletions,
  consumeTenantDeletions,
} from "./features/tenants/tenant-deletion.consumer";
import { consumeDeadWebhookJobs, consumeWebhookJobs } from "./features/webhooks/webhooks.consumer";

export { ConversationRoom } from "./features/conversations/conversation-room";
export { TenantInbox } from "./features/inbox/tenant-inbox";

const app = createApp();

/**
 * Queue consumers by queue name suffix (names carry the environment, e.g. switchboard-staging-webhooks).
 * Documents, policies and policy snapshots are consumed by the processor Worker (src/processor.ts).
 */
const queueConsumers = [
  { suffix: "-channels-dlq", consume: consumeDeadChannelDeliveries },
  { suffix: "-channels", consume: consumeChannelDeliveries },
  { suffix: "-tenant-deletions-dlq", consume: consumeDeadTenantDeletions },
  { suffix: "-tenant-deletions", consume: consumeTenantDeletions },
  { suffix: "-webhooks-dlq", consume: consumeDeadWebhookJobs },
  { suffix: "-webhooks", consume: consumeWebhookJobs },
  { suffix: "-notifications-dlq", consume: consumeDeadNotificationJobs },
  { suffix: "-notifications", consume: consumeNotificationJobs },
];

/** Cron jobs by schedule (wrangler.toml `triggers.crons`); every job whose cron fired runs. */
const scheduledJobs: { cron: string; run: (env: Env, scheduledTime: number) => Promise<void> }[] = [
  { cron: "15 0 * * *", run: rebuildScheduledRollups },
  { cron: "*/5 * * * *", run: requeuePolicySnapshots },
];

export default {
  fetch: app.fetch,
  queue: async (batch, env) => {
    const consumer = queueConsumers.find(({ suffix }) => batch.queue.endsWith(suffix));
    if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
    await consumer.consume(batch, env);
  },
  scheduled: async (controller, env, ctx) => {
    const due = scheduledJobs.filter(({ cron }) => cron === controller.cron);
    ctx.waitUntil(Promise.all(due.map(({ run }) => run(env, controller.scheduledTime))));
  },
} satisfies ExportedHandler<Env>;
