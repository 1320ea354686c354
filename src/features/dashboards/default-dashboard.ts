import type { WidgetBody } from "./dashboards.schemas";

/** The support dashboard every tenant starts with. */
export const DEFAULT_DASHBOARD = {
  title: "Support",
  description: "Conversations, response times, AI resolution, CSAT and channel health over the last 30 days.",
  tags: ["support"],
  widgets: [
    {
      type: "kpi",
      title: "New conversations",
      query: { metrics: [{ id: "conversations_new" }] },
      layout: { x: 0, y: 0, w: 6, h: 4 },
    },
    {
      type: "kpi",
      title: "First response (median)",
      query: { metrics: [{ id: "frt_human", stat: "median" }] },
      layout: { x: 6, y: 0, w: 6, h: 4 },
    },
    {
      type: "kpi",
      title: "AI resolution rate",
      query: { metrics: [{ id: "ai_resolution_rate" }] },
      layout: { x: 12, y: 0, w: 6, h: 4 },
    },
    {
      type: "kpi",
      title: "CSAT",
      query: { metrics: [{ id: "csat_score" }] },
      layout: { x: 18, y: 0, w: 6, h: 4 },
    },
    {
      type: "timeseries",
      title: "Conversations per day",
      query: { metrics: [{ id: "conversations_new" }, { id: "conversations_resolved" }], bucket: "day" },
      layout: { x: 0, y: 4, w: 16, h: 8 },
    },
    {
      type: "pie",
      title: "Conversations by channel",
      query: { metrics: [{ id: "conversations_new" }], groupBy: "channel" },
      layout: { x: 16, y: 4, w: 8, h: 8 },
    },
    {
      type: "leaderboard",
      title: "Top agents by resolutions",
      query: { metrics: [{ id: "conversations_resolved" }], groupBy: "user", limit: 10 },
      layout: { x: 0, y: 12, w: 12, h: 8 },
    },
    {
      type: "bar",
      title: "Delivery failures by code",
      query: { metrics: [{ id: "channel_delivery_failures" }], groupBy: "code" },
      layout: { x: 12, y: 12, w: 12, h: 8 },
    },
  ] satisfies WidgetBody[],
};
