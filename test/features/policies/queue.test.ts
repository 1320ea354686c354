import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { policyUploads } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import worker from "../../support/worker";
import { cleanMotorDoc, pdfOf, type UploadState, uploadAndSettle } from "./helpers";

/** Delivers one message to a policy queue and reports how it was settled. */
async function settle(queue: string, body: unknown, attempts = 1) {
  const settled: string[] = [];
  const message: Message<unknown> = {
    id: crypto.randomUUID(),
    timestamp: new Date(),
    body,
    attempts,
    ack: () => void settled.push("ack"),
    retry: () => void settled.push("retry"),
  };
  const batch: MessageBatch<unknown> = {
    queue,
    messages: [message],
    ackAll: () => message.ack(),
    retryAll: () => message.retry(),
    metadata: { metrics: { backlogCount: 1, backlogBytes: 0 } },
  };
  await worker.queue(batch, env);
  return settled;
}

/** An upload row waiting for its job, made without sending the job (the test delivers it). */
async function stagedUpload(tenant: TestTenant) {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    const [row] = await db
      .insert(policyUploads)
      .values({ tenantId: tenant.tenant.id, filename: "x.pdf", sizeBytes: 1, storageKey: "nowhere" })
      .returning();
    if (!row) throw new Error("no upload row");
    return row;
  } finally {
    await close();
  }
}

const status = (tenant: TestTenant, id: string) =>
  callJson<UploadState>(`/api/upload/${id}/status`, { token: tenant.accessToken }, 200);

describe("policy queue consumer", () => {
  it("drops a malformed message and does no work for a superseded generation", async () => {
    const tenant = await registerTenant();
    const upload = await stagedUpload(tenant);
    expect(await settle("switchboard-policies", { uploadId: "nope" })).toEqual(["ack"]);
    const stale = { uploadId: upload.id, tenantId: tenant.tenant.id, generation: 2 };
    expect(await settle("switchboard-policies", stale)).toEqual(["ack"]);
    expect(await status(tenant, upload.id)).toMatchObject({ state: "uploaded", reason: null });
  });

  it("fails an upload whose stored file is gone, with that reason", async () => {
    const tenant = await registerTenant();
    const upload = await stagedUpload(tenant);
    const job = { uploadId: upload.id, tenantId: tenant.tenant.id, generation: 1 };
    expect(await settle("switchboard-policies", job)).toEqual(["ack"]);
    expect(await status(tenant, upload.id)).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/missing/),
    });
  });

  it("dead-letters an upload that kept failing as failed with a reason, and leaves one that moved on alone", async () => {
    const tenant = await registerTenant();
    const waiting = await stagedUpload(tenant);
    const dead = { uploadId: waiting.id, tenantId: tenant.tenant.id, generation: 1 };
    expect(await settle("switchboard-policies-dlq", dead)).toEqual(["ack"]);
    expect(await status(tenant, waiting.id)).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/^Gave up after 0 attempt\(s\)/),
    });

    const done = await uploadAndSettle(tenant.accessToken, await pdfOf(cleanMotorDoc()));
    const late = { uploadId: done.id, tenantId: tenant.tenant.id, generation: 1 };
    expect(await settle("switchboard-policies-dlq", late)).toEqual(["ack"]);
    expect(await status(tenant, done.id)).toMatchObject({ state: "saved", reason: null });
  });
});
