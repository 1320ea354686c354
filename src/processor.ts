import { consumeDeadDocumentJobs, consumeDocumentJobs } from "./features/documents/documents.consumer";
import { consumeDeadPolicyJobs, consumePolicyJobs } from "./features/policies/policies.consumer";
import { consumePolicySnapshots } from "./features/policies/snapshots.consumer";

// The document processor: its own Worker (wrangler.processor.toml), so that text extraction, OCR,
// pdf-lib and unpdf never load in, or add bytes to, the request-serving Worker (src/index.ts), which
// keeps the producers and the routes. The tenant's inbox is reached through a script_name binding.

/** Queue consumers by queue name suffix (names carry the environment, e.g. switchboard-staging-documents). */
export const processorConsumers = [
  { suffix: "-documents-dlq", consume: consumeDeadDocumentJobs },
  { suffix: "-documents", consume: consumeDocumentJobs },
  { suffix: "-policies-dlq", consume: consumeDeadPolicyJobs },
  { suffix: "-policies", consume: consumePolicyJobs },
  { suffix: "-policy-snapshots", consume: consumePolicySnapshots },
];

export default {
  queue: async (batch, env) => {
    const consumer = processorConsumers.find(({ suffix }) => batch.queue.endsWith(suffix));
    if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
    await consumer.consume(batch, env);
  },
} satisfies ExportedHandler<Env>;
