import { createApp } from "./app";
import type { Env } from "./env";

export { ConversationRoom } from "./features/conversations/conversation-room";
export { TenantInbox } from "./features/inbox/tenant-inbox";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
