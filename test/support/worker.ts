// The test pool's Worker: the request Worker (src/index.ts) and the document processor's queue handler
// (src/processor.ts) in one, so that a test's upload reaches the real consumer through the real queue.
// One Worker rather than the processor as an auxiliary Worker, which the pool would take only as a
// prebuilt bundle: the processor's code runs from source here, with the same module graph and `env`
// as the tests that call its consumers directly (vitest.config.ts adds its queues' consumer settings).
import app from "../../src/index";
import processor, { processorConsumers } from "../../src/processor";

export { ConversationRoom, TenantInbox } from "../../src/index";

const forProcessor = (queue: string) => processorConsumers.some(({ suffix }) => queue.endsWith(suffix));

export default {
  fetch: app.fetch,
  scheduled: app.scheduled,
  queue: (batch, env) => (forProcessor(batch.queue) ? processor : app).queue(batch, env),
} satisfies ExportedHandler<Env>;
