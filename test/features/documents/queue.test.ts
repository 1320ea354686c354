import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { documentChunks, documents } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { backoffSeconds } from "../../../src/features/documents/documents.jobs";
import { runDocumentJob } from "../../../src/features/documents/processing";
import { callJson, registerTenant } from "../../support/api";
import { scannedPdf, textPdf } from "../../support/files";
import worker from "../../support/worker";
import { mustOpen } from "../../support/ws";
import {
  embeddedInputs,
  processDeps,
  stageDocument,
  textractCalls,
  uniqueWord,
  upload,
  waitUntilSettled,
} from "./helpers";

const QUEUE = "switchboard-documents";

async function deliver(bodies: unknown[], attempts = 1, workerEnv: typeof env = env) {
  const batch = createMessageBatch(
    QUEUE,
    bodies.map((body, index) => ({
      id: `m${index}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts,
      body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv);
  return getQueueResult(batch, ctx);
}

/** A batch that records how each message was settled, including retry delays (getQueueResult omits them). */
async function settle(body: unknown, attempts: number, workerEnv: typeof env = env) {
  const settled: Array<{ ack: true } | { retry: QueueRetryOptions | undefined }> = [];
  const message: Message<unknown> = {
    id: crypto.randomUUID(),
    timestamp: new Date(),
    body,
    attempts,
    ack: () => void settled.push({ ack: true }),
    retry: (options) => void settled.push({ retry: options }),
  };
  const batch: MessageBatch<unknown> = {
    queue: QUEUE,
    messages: [message],
    ackAll: () => message.ack(),
    retryAll: (options) => message.retry(options),
    metadata: { metrics: { backlogCount: 1, backlogBytes: 0 } },
  };
  await worker.queue(batch, workerEnv);
  return settled;
}

async function chunkIds(documentId: string) {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const rows = await db
      .select({ id: documentChunks.id })
      .from(documentChunks)
      .where(eq(documentChunks.documentId, documentId));
    return rows.map((row) => row.id).sort();
  } finally {
    await close();
  }
}

describe("document queue consumer", () => {
  it("does no work again for a redelivered, duplicated or superseded message", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const doc = await upload(
      tenant.accessToken,
      await textPdf([{ paragraphs: [`The ${word} schedule.`] }]),
      "s.pdf",
    );
    const ready = await waitUntilSettled(tenant.accessToken, doc.id);
    const before = await chunkIds(doc.id);
    const embedded = (await embeddedInputs(word)).length;
    expect(embedded).toBe(ready.chunkCount);

    const job = { documentId: doc.id, tenantId: tenant.tenant.id, generation: 1 };
    const result = await deliver([job, job], 2);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toEqual([]);
    expect(await chunkIds(doc.id)).toEqual(before);
    expect(await embeddedInputs(word)).toHaveLength(embedded);
    expect(
      await callJson(`/api/documents/${doc.id}/status`, { token: tenant.accessToken }, 200),
    ).toMatchObject({
      status: "ready",
      attempts: 1,
    });

    // A stale message from before a re-process request is ignored too.
    await callJson(`/api/documents/${doc.id}/process`, { method: "POST", token: tenant.accessToken }, 202);
    await waitUntilSettled(tenant.accessToken, doc.id);
    const stale = await deliver([job]);
    expect(stale.explicitAcks).toHaveLength(1);
    expect(await chunkIds(doc.id)).toHaveLength(before.length);

    const malformed = await deliver([{ documentId: "nope" }]);
    expect(malformed.explicitAcks).toHaveLength(1);
  });

  it("backs off exponentially and leaves a document that another consumer holds alone", async () => {
    expect([1, 2, 3, 4].map((attempt) => backoffSeconds(10, attempt))).toEqual([10, 20, 40, 80]);
    expect(backoffSeconds(10, 20)).toBe(3600);

    const tenant = await registerTenant();
    const doc = await upload(tenant.accessToken, new TextEncoder().encode("held"), "held.txt");
    await waitUntilSettled(tenant.accessToken, doc.id);
    const { db, close } = openDatabase(loadConfig(env));
    try {
      // As if another consumer were mid-way through a new generation with 90 s of lease left.
      await db
        .update(documents)
        .set({
          status: "processing",
          generation: 2,
          leaseToken: crypto.randomUUID(),
          leaseUntil: new Date(Date.now() + 90_000),
        })
        .where(eq(documents.id, doc.id));
    } finally {
      await close();
    }
    const busy = await settle({ documentId: doc.id, tenantId: tenant.tenant.id, generation: 2 }, 1);
    expect(busy).toEqual([{ retry: { delaySeconds: expect.any(Number) } }]);
    const delay = (busy[0] as { retry: { delaySeconds: number } }).retry.delaySeconds;
    expect(delay).toBeGreaterThanOrEqual(85);
    expect(delay).toBeLessThanOrEqual(90);

    // A transient failure (Textract down) is retried after base × 2^(attempts-1) seconds.
    const tag = uniqueWord();
    const { job } = await stageDocument(tenant, await scannedPdf([{ fixture: "outage", tag }]), "outage.pdf");
    const slowEnv = { ...env, DOCUMENT_RETRY_BASE_SECONDS: "5" };
    expect(await settle(job, 1, slowEnv)).toEqual([{ retry: { delaySeconds: 5 } }]);
    expect(await settle(job, 3, slowEnv)).toEqual([{ retry: { delaySeconds: 20 } }]);
    expect(await textractCalls(tag)).toHaveLength(2);
  });

  it("dead-letters a document whose processing keeps failing: failed with the reason, the queue flowing", {
    timeout: 90_000,
  }, async () => {
    const tenant = await registerTenant();
    const tag = uniqueWord();
    const word = uniqueWord();
    const { url } = await callJson<{ url: string }>(
      "/api/inbox/ticket",
      { method: "POST", token: tenant.accessToken },
      200,
    );
    const inbox = await mustOpen(url);
    const failing = await upload(
      tenant.accessToken,
      await scannedPdf([{ fixture: "outage", tag }]),
      "down.pdf",
    );
    const fine = await upload(
      tenant.accessToken,
      new TextEncoder().encode(`Unaffected ${word}.`),
      "fine.txt",
    );

    const done = await waitUntilSettled(tenant.accessToken, failing.id, 60_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(
      /^Gave up after 6 attempt\(s\): Attempt 6 failed: Textract: InternalServerError/,
    );
    expect(await textractCalls(tag)).toHaveLength(6);
    expect((await waitUntilSettled(tenant.accessToken, fine.id)).status).toBe("ready");

    // Every status change was pushed to the tenant's inbox stream.
    type DocumentFrame = { type: string; document?: { id: string; status: string } };
    const ofFailing = (frame: DocumentFrame) =>
      frame.type === "document.updated" && frame.document?.id === failing.id;
    await inbox.next((frame) => ofFailing(frame) && (frame as DocumentFrame).document?.status === "failed");
    const statuses = (inbox.frames as DocumentFrame[])
      .filter(ofFailing)
      .map((frame) => frame.document?.status);
    expect(statuses[0]).toBe("queued");
    expect(statuses).toContain("processing");
    expect(statuses.at(-1)).toBe("failed");
  });

  it("resumes a large document across slices and after a consumer died holding it, without redoing pages", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const pages = Array.from({ length: 5 }, (_, i) => ({
      heading: `Part ${i + 1}`,
      paragraphs: [`Page ${i + 1} of the ${word} manual.`],
    }));
    const { document: doc, job } = await stageDocument(tenant, await textPdf(pages), "manual.pdf");
    const config = loadConfig(env);
    const { db, close } = openDatabase(config);
    try {
      // Every page uses up the slice: each message does one page and hands over to a new one.
      const deps = processDeps(db, { sliceMs: 0 });
      expect(await runDocumentJob(deps, job)).toEqual({ kind: "continue" });
      expect(await runDocumentJob(deps, job)).toEqual({ kind: "continue" });
      const [afterTwo] = await db.select().from(documents).where(eq(documents.id, doc.id));
      expect(afterTwo).toMatchObject({ status: "processing", pagesDone: 2, pagesTotal: 5, leaseToken: null });

      // A consumer claims page 3 and dies: its lease runs out, and the next delivery takes over.
      await db
        .update(documents)
        .set({ leaseToken: crypto.randomUUID(), leaseUntil: new Date(Date.now() - 1000) })
        .where(eq(documents.id, doc.id));
      const outcomes: string[] = [];
      for (let i = 0; i < 5 && outcomes.at(-1) !== "done"; i++)
        outcomes.push((await runDocumentJob(deps, job)).kind);
      expect(outcomes).toEqual(["continue", "continue", "done"]);
    } finally {
      await close();
    }
    const done = await callJson<{ status: string; pages: unknown; chunkCount: number }>(
      `/api/documents/${doc.id}/status`,
      { token: tenant.accessToken },
      200,
    );
    expect(done).toMatchObject({ status: "ready", pages: { done: 5, total: 5 }, chunkCount: 5 });
    expect(await chunkIds(doc.id)).toHaveLength(5);
    expect(await embeddedInputs(word)).toHaveLength(5);
  });

  it("reads the original from the key its row records when STORAGE_PREFIX changed since the upload", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const pdf = await textPdf([
      { heading: "Moved", paragraphs: [`The ${word} clause survived a new prefix.`] },
    ]);
    const { document: doc, job } = await stageDocument(tenant, pdf, "moved.pdf");
    const config = loadConfig(env);
    const { db, close } = openDatabase(config);
    try {
      // The consumer first looks where an upload made now would store the file: nothing is there.
      const deps = processDeps(db, { embeddings: null, storagePrefix: "elsewhere/" });
      expect(await runDocumentJob(deps, job)).toEqual({ kind: "done", status: "ready" });
    } finally {
      await close();
    }
    expect(await chunkIds(doc.id)).toHaveLength(1);
  });
});
