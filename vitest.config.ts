/// <reference path="./test/support/provided-context.d.ts" />
/// <reference path="./test/e2e/provided-context.d.ts" />
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

// wrangler's config types come from a package it bundles (not installed): the fields read, named here.
interface QueueConsumer {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  retry_delay?: number;
  dead_letter_queue?: string;
}
// The processor Worker's queues are consumed by the test Worker (test/support/worker.ts), with the
// batching, retries and dead-letter queues wrangler.processor.toml gives them.
const processorQueues = Object.fromEntries(
  (unstable_readConfig({ config: "./wrangler.processor.toml" }).queues.consumers ?? []).map(
    (consumer: QueueConsumer) => [
      consumer.queue,
      {
        maxBatchSize: consumer.max_batch_size,
        maxBatchTimeout: consumer.max_batch_timeout,
        maxRetries: consumer.max_retries,
        retryDelay: consumer.retry_delay,
        deadLetterQueue: consumer.dead_letter_queue,
      },
    ],
  ),
);

export default defineConfig({
  test: {
    // Tests mostly wait on workerd, Postgres and sockets: two files at a time on two cores took the
    // suite from about 6 to 4 minutes (vitest's default is one per spare core).
    maxWorkers: 2,
    // Off: with the on-disk module cache, a workerd runner asks for its files' whole import graph at
    // once and the pool inlines every cached module into one WebSocket message (~33 MB for this app),
    // past workerd's 32 MiB message limit — workerd then dies mid-file ("1009 Message is too large"),
    // taking the other file in that process with it, depending on which files ran before.
    fsModuleCache: false,
    // The Worker logs one JSON line per request; show warnings and errors only.
    onConsoleLog: (log) => !/^\{"level":"(info|debug)"/.test(log),
    projects: [
      {
        plugins: [
          // Runs after globalSetup, so inject() sees the servers it started.
          cloudflareTest(async ({ inject }) => {
            const fakeServicesUrl = inject("fakeServicesUrl");
            return {
              wrangler: { configPath: "./wrangler.toml" },
              main: "./test/support/worker.ts",
              miniflare: {
                queueConsumers: processorQueues,
                bindings: {
                  ENVIRONMENT: "test",
                  DATABASE_URL: inject("databaseUrl"),
                  DB_PROXY_URL: inject("dbProxyUrl"),
                  FAKE_SERVICES_URL: fakeServicesUrl,
                  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
                  EMAIL_PROVIDER: "resend",
                  EMAIL_API_URL: `${fakeServicesUrl}/resend`,
                  EMAIL_API_KEY: "re_test_key",
                  EMAIL_FROM: "Switchboard <noreply@switchboard.test>",
                  CORS_ORIGINS: "http://localhost:8787,https://app.example.test",
                  // Documents: Textract and embeddings are local fakes speaking the real protocols.
                  MAX_UPLOAD_BYTES: String(4 * 1024 * 1024),
                  DOCUMENT_RETRY_BASE_SECONDS: "0",
                  WEBHOOK_RETRY_BASE_SECONDS: "0",
                  DIGEST_MINUTE_SECONDS: "1",
                  MAX_ATTACHMENT_BYTES: String(1024 * 1024),
                  OCR_PROVIDER: "textract",
                  TEXTRACT_REGION: "eu-west-1",
                  TEXTRACT_ENDPOINT: `${fakeServicesUrl}/textract`,
                  TEXTRACT_ACCESS_KEY_ID: "AKIATESTTEXTRACT",
                  TEXTRACT_SECRET_ACCESS_KEY: "test-textract-secret",
                  TEXTRACT_MAX_ATTEMPTS: "1",
                  // The S3 adapter's settings; storage stays on R2 unless a test sets STORAGE_PROVIDER=s3.
                  S3_ENDPOINT: `${fakeServicesUrl}/s3`,
                  S3_REGION: "eu-west-1",
                  S3_BUCKET: "switchboard-test",
                  S3_ACCESS_KEY_ID: "AKIATESTS3",
                  S3_SECRET_ACCESS_KEY: "test-s3-secret",
                  EMBEDDINGS_API_URL: `${fakeServicesUrl}/openai/v1`,
                  EMBEDDINGS_API_KEY: "sk-test-embeddings",
                  // AI: agents talk to the fake OpenAI-compatible server on loopback.
                  ENCRYPTION_KEY: "test-encryption-key-0123456789abcdef0123456789",
                  ALLOW_PRIVATE_OUTBOUND: "true",
                  AI_TIMEOUT_SECONDS: "2",
                  // Channels: the Telegram Bot API is a local fake speaking its protocol.
                  TELEGRAM_API_BASE: `${fakeServicesUrl}/telegram`,
                  // Meta's two Graph hosts: one shared namespace of the fake, state kept per token.
                  META_GRAPH_BASE: `${fakeServicesUrl}/meta/workers/facebook`,
                  INSTAGRAM_GRAPH_BASE: `${fakeServicesUrl}/meta/workers/instagram`,
                },
              },
            };
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**", "test/node/**"],
          globalSetup: ["./test/support/node/global-setup.ts"],
          testTimeout: 15_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Pure logic (the policy extraction engine, its corpus and the unpdf round trip) in plain Node:
        // no workerd, no Postgres, so these run in seconds.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
        },
      },
      {
        // Headless Chromium and Node clients against the running app (`wrangler dev`), outside workerd.
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
