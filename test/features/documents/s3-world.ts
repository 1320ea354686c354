import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { DocumentJob } from "../../../src/features/documents/documents.jobs";
import worker from "../../support/worker";
import type { DocumentBody } from "./helpers";

export interface SentJob<Job = DocumentJob> {
  job: Job;
  delaySeconds: number | undefined;
}

/**
 * The Worker as deployed with STORAGE_PROVIDER=s3 (the bucket on the fake S3; settings in
 * vitest.config.ts). Its document queue (or the one named in `held`) is held here: the test delivers
 * the messages itself, through the real queue handler, and sees the delay each one was sent with.
 */
export function s3Worker<Job = DocumentJob>(
  overrides: Partial<typeof env> = {},
  held: { binding: "DOCUMENT_QUEUE" | "POLICY_QUEUE"; name: string } = {
    binding: "DOCUMENT_QUEUE",
    name: "switchboard-documents",
  },
) {
  const sent: SentJob<Job>[] = [];
  const queue: Queue<Job> = {
    metrics: async () => ({ backlogCount: sent.length, backlogBytes: 0 }),
    send: async (job, options) => {
      sent.push({ job, delaySeconds: options?.delaySeconds });
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
    sendBatch: async (messages, options) => {
      for (const message of messages) sent.push({ job: message.body, delaySeconds: options?.delaySeconds });
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
  };
  const workerEnv: typeof env = { ...env, STORAGE_PROVIDER: "s3", [held.binding]: queue, ...overrides };

  return {
    env: workerEnv,
    sent,
    async fetch(path: string, init: RequestInit & { token?: string } = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`http://switchboard.test${path}`, { ...rest, headers }),
        workerEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return response;
    },
    /** Uploads through the API and expects 202. */
    async upload(token: string, bytes: Uint8Array, filename: string): Promise<DocumentBody> {
      const form = new FormData();
      form.append("file", new File([bytes], filename));
      const response = await this.fetch("/api/documents", { method: "POST", body: form, token });
      const text = await response.text();
      if (response.status !== 202) throw new Error(`upload ${filename}: ${response.status} ${text}`);
      return (JSON.parse(text) as { document: DocumentBody }).document;
    },
    /** The document as the API shows it. */
    async document(token: string, id: string): Promise<DocumentBody> {
      const response = await this.fetch(`/api/documents/${id}`, { token });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`document ${id}: ${response.status} ${text}`);
      return JSON.parse(text) as DocumentBody;
    },
    /** Delivers the oldest waiting message to the queue handler; what it settled to. */
    async deliverNext() {
      const next = sent.shift();
      if (!next) throw new Error("no message is waiting");
      const settled: Array<"ack" | { retry: QueueRetryOptions | undefined }> = [];
      const message: Message<unknown> = {
        id: crypto.randomUUID(),
        timestamp: new Date(),
        body: next.job,
        attempts: 1,
        ack: () => void settled.push("ack"),
        retry: (options) => void settled.push({ retry: options }),
      };
      await worker.queue(
        {
          queue: held.name,
          messages: [message],
          ackAll: () => message.ack(),
          retryAll: (options) => message.retry(options),
          metadata: { metrics: { backlogCount: 1, backlogBytes: 0 } },
        },
        workerEnv,
      );
      return { delivered: next, settled };
    },
  };
}

export interface StoredS3Object {
  key: string;
  size: number;
  contentType: string | undefined;
  sha256: string;
}

/** What the fake S3 holds under a key prefix (see test/support/node/fake-s3.ts). */
export async function s3Objects(prefix: string): Promise<StoredS3Object[]> {
  const response = await fetch(
    `${env.FAKE_SERVICES_URL}/_test/s3/objects?prefix=${encodeURIComponent(prefix)}`,
  );
  return (await response.json()) as StoredS3Object[];
}
