import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { analyticsEvents } from "../../../src/db/schema";
import { loadConfig } from "../../../src/env";
import { script } from "../../support/ai";
import { call, callJson, registerTenant } from "../../support/api";
import { proposeRefund, setupPlanning } from "../../support/plans";
import { upload, waitUntilSettled } from "../documents/helpers";
import { cleanMotorDoc, pdfOf, uploadAndSettle } from "../policies/helpers";
import { eventsOf, named } from "./helpers";

/** The tenant's events of `name` (facts that belong to no conversation, too). */
async function tenantEvents(tenantId: string, name: string) {
  const { db, close } = openDatabase(loadConfig(env));
  try {
    return await db
      .select()
      .from(analyticsEvents)
      .where(and(eq(analyticsEvents.tenantId, tenantId), eq(analyticsEvents.name, name)));
  } finally {
    await close();
  }
}

describe("events written by the other owners", () => {
  it("records a plan proposed, approved and executed in its conversation, once each", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const proposed = await proposeRefund(tenant, planning);
    const planId = proposed.plan?.id ?? "";
    await script(planning.model, [{ type: "text", chunks: ["Refunded 42.50."] }]);
    await planning.api.script({ "POST /api/orders/1234/refund": { json: { ok: true } } });
    const approved = await call(`/api/plans/${planId}/approve`, { token: tenant.accessToken, json: {} });
    expect(approved.status).toBe(200);
    const events = await eventsOf(proposed.conversationId);
    expect(named(events, "plan_proposed").map((e) => [e.actor, e.agentId, e.dims])).toEqual([
      ["ai", planning.agent.id, { steps: 2 }],
    ]);
    expect(named(events, "plan_approved").map((e) => [e.actor, e.userId])).toEqual([
      ["human", tenant.user.id],
    ]);
    expect(named(events, "plan_executed").map((e) => e.dims)).toEqual([
      { status: "completed", steps: 2, failedSteps: 0 },
    ]);
    expect(named(events, "plan_rejected")).toEqual([]);
  });

  it("records a plan rejected", async () => {
    const tenant = await registerTenant();
    const planning = await setupPlanning(tenant);
    const proposed = await proposeRefund(tenant, planning);
    await callJson(
      `/api/plans/${proposed.plan?.id}/reject`,
      { token: tenant.accessToken, json: { reason: "not eligible" } },
      200,
    );
    const events = await eventsOf(proposed.conversationId);
    expect(named(events, "plan_rejected").map((e) => [e.actor, e.userId])).toEqual([
      ["human", tenant.user.id],
    ]);
    expect(named(events, "plan_executed")).toEqual([]);
  });

  it("records document_ready once a document is indexed", async () => {
    const tenant = await registerTenant();
    const document = await upload(
      tenant.accessToken,
      new TextEncoder().encode("Opening hours: 9 to 5."),
      "hours.txt",
    );
    expect((await waitUntilSettled(tenant.accessToken, document.id)).status).toBe("ready");
    expect((await tenantEvents(tenant.tenant.id, "document_ready")).map((e) => [e.actor, e.dims])).toEqual([
      ["system", { documentId: document.id, generation: 1, chunks: 1, pages: expect.any(Number) }],
    ]);
  });

  it("records policy_saved once a clean schedule is read and saved", async () => {
    const tenant = await registerTenant();
    const saved = await uploadAndSettle(tenant.accessToken, await pdfOf(cleanMotorDoc()));
    const events = await tenantEvents(tenant.tenant.id, "policy_saved");
    expect(events.map((e) => [e.actor, e.dims])).toEqual([
      ["system", { policyId: saved.policyId, source: "pdf_upload", productLine: expect.any(String) }],
    ]);
    // Reading a PDF through the queue takes seconds (more on a loaded machine), as in upload.test.ts.
  }, 30_000);
});
