import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import type { SnapshotJob } from "../../../src/features/policies/policy-snapshots";
import { callJson, registerTenant } from "../../support/api";
import worker from "../../support/worker";
import { s3Objects } from "../documents/s3-world";
import { cleanMotorDoc, type PolicyBody, pdfOf, uploadAndSettle } from "./helpers";

interface Snapshotted extends PolicyBody {
  snapshot: { inSync: boolean; syncedAt: string | null; etag: string | null };
}

const fields = (number: string) => ({
  productLine: "motor",
  policyNumber: number,
  insurer: "tata aig",
  productType: "Private Car",
  issueDate: "2026-03-10",
  startDate: "2026-03-12",
  expiryDate: "2027-03-11",
  netPremium: 10000,
  gstAmount: 1800,
  totalPremium: 11800,
  customerName: "Meera Nair",
  vehicleNumber: "MH12AB1234",
});
const keyOf = (tenantId: string, id: string) => `${env.STORAGE_PREFIX}${tenantId}/policies/${id}.json`;
const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");

/** Polls the record until its snapshot is in sync (the real queue writes it to R2). */
async function synced(token: string, id: string): Promise<Snapshotted> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const policy = await callJson<Snapshotted>(`/api/policies/${id}`, { token }, 200);
    if (policy.snapshot.inSync) return policy;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`snapshot of ${id} not in sync within 10 s`);
}

/** The Worker with its snapshot queue held here, so the test delivers (and sees) each message. */
function heldSnapshots(overrides: Partial<typeof env> = {}) {
  const sent: SnapshotJob[] = [];
  const queue: Queue<SnapshotJob> = {
    metrics: async () => ({ backlogCount: sent.length, backlogBytes: 0 }),
    send: async (job) => {
      sent.push(job);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
    sendBatch: async (messages) => {
      for (const message of messages) sent.push(message.body);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
  };
  const workerEnv: typeof env = { ...env, POLICY_SNAPSHOT_QUEUE: queue, ...overrides };
  return {
    sent,
    async fetch(path: string, token: string, json?: unknown, method = json ? "POST" : "GET") {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`http://switchboard.test${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        }),
        workerEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return { status: response.status, body: (await response.json()) as Snapshotted };
    },
    async deliverAll() {
      const batch = createMessageBatch(
        "switchboard-policy-snapshots",
        sent.splice(0).map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
      );
      const ctx = createExecutionContext();
      await worker.queue(batch, workerEnv);
      return getQueueResult(batch, ctx);
    },
    async cron() {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), workerEnv, ctx);
      await waitOnExecutionContext(ctx);
    },
  };
}

describe("policy snapshots in storage", () => {
  it("writes a JSON snapshot of each saved or changed record next to its PDF and says when it is in sync", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const created = await callJson<Snapshotted>(
      "/api/policies",
      { token, json: { fields: fields("S-1") } },
      201,
    );
    expect(created.snapshot).toEqual({ inSync: false, syncedAt: null, etag: null });
    const first = await synced(token, created.id);
    const key = keyOf(tenant.tenant.id, created.id);
    const stored = await (await env.DOCUMENTS_BUCKET.get(key))?.text();
    expect(JSON.parse(String(stored))).toMatchObject({
      version: 1,
      tenantId: tenant.tenant.id,
      id: created.id,
      status: "saved",
      fields: { totalPremium: { value: 11800, source: "manual" } },
    });
    expect(first.snapshot.etag).toBe(await sha256(String(stored)));

    const edited = await callJson<Snapshotted>(
      `/api/policies/${created.id}`,
      { method: "PUT", token, json: { extras: { remark: "called back" } } },
      200,
    );
    expect(edited.snapshot.inSync).toBe(false);
    const second = await synced(token, created.id);
    const restored = JSON.parse(String(await (await env.DOCUMENTS_BUCKET.get(key))?.text()));
    expect(restored).toMatchObject({ version: 2, extras: { remark: "called back" } });
    expect(second.snapshot.etag).not.toBe(first.snapshot.etag);

    await callJson(`/api/policies/${created.id}`, { method: "DELETE", token }, 204);
    expect(await env.DOCUMENTS_BUCKET.get(key)).toBeNull();

    // A record read from an uploaded schedule gets its snapshot too, beside the PDF.
    const upload = await uploadAndSettle(token, await pdfOf(cleanMotorDoc()));
    await synced(token, String(upload.policyId));
    const extracted = await env.DOCUMENTS_BUCKET.get(keyOf(tenant.tenant.id, String(upload.policyId)));
    expect(JSON.parse(String(await extracted?.text()))).toMatchObject({
      source: "pdf_upload",
      uploadId: upload.id,
    });
  });

  it("saves while storage is down; the snapshot follows once storage is back, re-queued by the cron", {
    timeout: 30_000,
  }, async () => {
    // S3 refuses this key pair (AccessDenied): storage is "down" for snapshots.
    const down = heldSnapshots({
      STORAGE_PROVIDER: "s3",
      S3_ACCESS_KEY_ID: "AKIATESTNOACCESS",
      S3_SECRET_ACCESS_KEY: "test-s3-no-access",
    });
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const created = await down.fetch("/api/policies", token, { fields: fields("S-2") });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "saved", snapshot: { inSync: false } });
    const id = created.body.id;
    expect(down.sent).toEqual([{ policyId: id, tenantId: tenant.tenant.id }]);
    const failed = await down.deliverAll();
    expect(failed.retryMessages).toHaveLength(1);
    expect(failed.explicitAcks).toEqual([]);
    expect((await down.fetch(`/api/policies/${id}`, token)).body.snapshot.inSync).toBe(false);

    // Storage is back, but the queue gave up on that message: the cron finds the snapshot behind.
    const back = heldSnapshots({ STORAGE_PROVIDER: "s3" });
    await back.cron();
    expect(back.sent).toEqual([]); // still within the grace minute: presumably on its way
    const { db, close } = openDatabase(loadConfig(env));
    try {
      await db.execute(
        sql`update policy_snapshot_outbox set updated_at = now() - interval '2 minutes' where policy_id = ${id}`,
      );
    } finally {
      await close();
    }
    await back.cron();
    expect(back.sent).toEqual([{ policyId: id, tenantId: tenant.tenant.id }]);
    const delivered = await back.deliverAll();
    expect(delivered.explicitAcks).toHaveLength(1);
    const policy = (await back.fetch(`/api/policies/${id}`, token)).body;
    expect(policy.snapshot).toMatchObject({ inSync: true, etag: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [object] = await s3Objects(keyOf(tenant.tenant.id, id));
    expect(object).toMatchObject({ contentType: "application/json", sha256: policy.snapshot.etag });

    // Nothing is left behind: another cron run and a repeated message change nothing.
    await back.cron();
    expect(back.sent).toEqual([]);
    back.sent.push({ policyId: id, tenantId: tenant.tenant.id });
    expect((await back.deliverAll()).explicitAcks).toHaveLength(1);
  });
});
