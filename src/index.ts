import { createApp } from "./app";

export { ConversationRoom } from "./features/conversations/conversation-room";
export { TenantInbox } from "./features/inbox/tenant-inbox";

const app = createApp();

type Consume = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/**
 * Queue consumers by queue name suffix (names carry the environment, e.g. switchboard-staging-webhooks),
 * imported on their first batch so that a cold isolate serving requests does not load them.
 * Documents, policies and policy snapshots are consumed by the processor Worker (src/processor.ts).
 */
const queueConsumers: { suffix: string; load: () => Promise<Consume> }[] = [
  {
    suffix: "-channels-dlq",
    load: () => import("./features/channels/channels.consumer").then((m) => m.consumeDeadChannelDeliveries),
  },
  {
    suffix: "-channels",
    load: () => import("./features/channels/channels.consumer").then((m) => m.consumeChannelDeliveries),
  },
  {
    suffix: "-tenant-deletions-dlq",
    load: () =>
      import("./features/tenants/tenant-deletion.consumer").then((m) => m.consumeDeadTenantDeletions),
  },
  {
    suffix: "-tenant-deletions",
    load: () => import("./features/tenants/tenant-deletion.consumer").then((m) => m.consumeTenantDeletions),
  },
  {
    suffix: "-webhooks-dlq",
    load: () => import("./features/webhooks/webhooks.consumer").then((m) => m.consumeDeadWebhookJobs),
  },
  {
    suffix: "-webhooks",
    load: () => import("./features/webhooks/webhooks.consumer").then((m) => m.consumeWebhookJobs),
  },
  {
    suffix: "-notifications-dlq",
    load: () =>
      import("./features/notifications/notifications.consumer").then((m) => m.consumeDeadNotificationJobs),
  },
  {
    suffix: "-notifications",
    load: () =>
      import("./features/notifications/notifications.consumer").then((m) => m.consumeNotificationJobs),
  },
];

/** Cron jobs by schedule (wrangler.toml `triggers.crons`); every job whose cron fired runs. */
const scheduledJobs: {
  cron: string;
  load: () => Promise<(env: Env, scheduledTime: number) => Promise<void>>;
}[] = [
  {
    cron: "15 0 * * *",
    load: () => import("./features/analytics/rollups.scheduled").then((m) => m.rebuildScheduledRollups),
  },
  {
    cron: "*/5 * * * *",
    load: () => import("./features/policies/snapshots.consumer").then((m) => m.requeuePolicySnapshots),
  },
];

export default {
  fetch: app.fetch,
  queue: async (batch, env) => {
    const consumer = queueConsumers.find(({ suffix }) => batch.queue.endsWith(suffix));
    if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
    await (await consumer.load())(batch, env);
  },
  scheduled: async (controller, env, ctx) => {
    const due = scheduledJobs.filter(({ cron }) => cron === controller.cron);
    ctx.waitUntil(Promise.all(due.map(async ({ load }) => (await load())(env, controller.scheduledTime))));
  },
} satisfies ExportedHandler<Env>;
