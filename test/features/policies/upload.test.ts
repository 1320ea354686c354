import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant } from "../../support/api";
import {
  cleanMotorDoc,
  encryptedPdf,
  expectedValues,
  type PolicyBody,
  pdfOf,
  prints,
  uploadAndSettle,
  uploadPolicy,
  valuesOf,
  waitForUpload,
  withText,
} from "./helpers";

describe("policy uploads", () => {
  it("reads an uploaded schedule through the queue into a saved record with typed values and provenance", async () => {
    const tenant = await registerTenant();
    const doc = cleanMotorDoc();
    const pdf = await pdfOf(doc);
    const extras = JSON.stringify({ callerName: "Asha", branch: "Pune", cashback: 500.5 });
    const state = await uploadAndSettle(tenant.accessToken, pdf, { manualExtras: extras });
    expect(state).toMatchObject({ state: "saved", reason: null, pages: { done: doc.runs.length } });

    const policy = await callJson<PolicyBody>(
      `/api/policies/${state.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(policy).toMatchObject({ status: "saved", source: "pdf_upload", uploadId: state.id, issues: [] });
    expect(valuesOf(policy)).toEqual(expectedValues(doc));
    expect(policy.extras).toMatchObject({
      callerName: "Asha",
      branch: "Pune",
      cashback: 500.5,
      brokerage: null,
    });
    for (const field of Object.values(policy.fields)) {
      expect(field.source).toBe("text");
      expect(field.confidence).toBeGreaterThanOrEqual(0.8);
      expect(field.page).toBeGreaterThanOrEqual(1);
    }

    const upload = await callJson(`/api/upload/${state.id}`, { token: tenant.accessToken }, 200);
    expect(upload).toMatchObject({ status: "extracted", policyId: policy.id, filename: "schedule.pdf" });
    const list = await callJson<{ data: { id: string }[]; total: number }>(
      "/api/upload",
      { token: tenant.accessToken },
      200,
    );
    expect(list).toMatchObject({ total: 1, data: [{ id: state.id }] });

    const original = await call(`/api/policies/${policy.id}/document`, { token: tenant.accessToken });
    expect(original.status).toBe(200);
    expect(original.headers.get("Content-Type")).toBe("application/pdf");
    expect(new Uint8Array(await original.arrayBuffer())).toEqual(pdf);
  });

  it("sends a record failing a check to review; a fix is audited as manual and confirming saves it", async () => {
    const tenant = await registerTenant();
    const doc = cleanMotorDoc((d) => (d.truth.ncbPercent ?? 0) > 0 && prints(d, `${d.truth.ncbPercent}%`));
    const ncb = doc.truth.ncbPercent;
    const pdf = await pdfOf(doc, withText(doc.runs, `${ncb}%`, "30%"));
    const state = await uploadAndSettle(tenant.accessToken, pdf);
    expect(state.state).toBe("needs_review");
    const path = `/api/policies/${state.policyId}`;
    const before = await callJson<PolicyBody>(path, { token: tenant.accessToken }, 200);
    expect(before.issues.map((issue) => issue.code)).toEqual(["ncb_slab"]);
    expect(before.fields.ncbPercent).toMatchObject({ value: 30, source: "text" });

    const fixed = await callJson<PolicyBody>(
      path,
      { method: "PUT", token: tenant.accessToken, json: { fields: { ncbPercent: ncb } } },
      200,
    );
    expect(fixed.status).toBe("needs_review");
    expect(fixed.issues).toEqual([]);
    expect(fixed.fields.ncbPercent).toEqual({ value: ncb, confidence: 1, source: "manual", page: null });

    const saved = await callJson<PolicyBody>(
      `${path}/confirm`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(saved.status).toBe("saved");
    const changes = await callJson<{ data: Array<Record<string, unknown>> }>(
      `${path}/changes`,
      { token: tenant.accessToken },
      200,
    );
    expect(changes.data.map(({ field, oldValue, newValue }) => ({ field, oldValue, newValue }))).toEqual([
      { field: "status", oldValue: null, newValue: "needs_review" },
      { field: "ncbPercent", oldValue: 30, newValue: ncb },
      { field: "status", oldValue: "needs_review", newValue: "saved" },
    ]);
    expect(changes.data[1]).toMatchObject({ actor: { kind: "user", id: tenant.user.id } });
    const listed = await callJson<{ total: number }>(
      "/api/policies?status=saved",
      { token: tenant.accessToken },
      200,
    );
    expect(listed.total).toBe(1);
  });

  it("flags a policy number already on file for the insurer, and never saves it twice", async () => {
    const tenant = await registerTenant();
    const pdf = await pdfOf(cleanMotorDoc());
    const first = await uploadAndSettle(tenant.accessToken, pdf);
    const second = await uploadAndSettle(tenant.accessToken, pdf);
    expect([first.state, second.state]).toEqual(["saved", "needs_review"]);
    const again = await callJson<PolicyBody>(
      `/api/policies/${second.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(again.issues).toEqual([expect.objectContaining({ field: "policyNumber", code: "duplicate" })]);
    const refused = await callJson<{ error: { code: string } }>(
      `/api/policies/${second.policyId}/confirm`,
      { method: "POST", token: tenant.accessToken },
      409,
    );
    expect(refused.error.code).toBe("conflict");
    const saved = await callJson<{ total: number }>(
      "/api/policies?status=saved",
      { token: tenant.accessToken },
      200,
    );
    expect(saved.total).toBe(1);
  });

  it("flags a policy number that is only in review so far, so neither copy is saved unseen", async () => {
    const tenant = await registerTenant();
    const doc = cleanMotorDoc((d) => (d.truth.ncbPercent ?? 0) > 0 && prints(d, `${d.truth.ncbPercent}%`));
    const inReview = await uploadAndSettle(
      tenant.accessToken,
      await pdfOf(doc, withText(doc.runs, `${doc.truth.ncbPercent}%`, "30%")),
    );
    expect(inReview.state).toBe("needs_review");
    const copy = await uploadAndSettle(tenant.accessToken, await pdfOf(doc));
    expect(copy.state).toBe("needs_review");
    const policy = await callJson<PolicyBody>(
      `/api/policies/${copy.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(policy.issues).toEqual([
      expect.objectContaining({
        code: "duplicate",
        message: expect.stringContaining(String(inReview.policyId)),
      }),
    ]);
    // The reviewer fixes and saves one; the other copy can then no longer be saved.
    const first = `/api/policies/${inReview.policyId}`;
    const ncbPercent = doc.truth.ncbPercent;
    await callJson(
      first,
      { method: "PUT", token: tenant.accessToken, json: { fields: { ncbPercent } } },
      200,
    );
    await callJson(`${first}/confirm`, { method: "POST", token: tenant.accessToken }, 200);
    await callJson(
      `/api/policies/${copy.policyId}/confirm`,
      { method: "POST", token: tenant.accessToken },
      409,
    );
  });

  it("fails a corrupt PDF alone, with its reason, while the next upload is read", async () => {
    const tenant = await registerTenant();
    const corrupt = new TextEncoder().encode("%PDF-1.7\nthis is not really a PDF\n%%EOF");
    const broken = await uploadPolicy(tenant.accessToken, corrupt);
    const good = await uploadPolicy(tenant.accessToken, await pdfOf(cleanMotorDoc()));
    const brokenId = ((await broken.json()) as { upload: { id: string } }).upload.id;
    const goodId = ((await good.json()) as { upload: { id: string } }).upload.id;
    const failed = await waitForUpload(tenant.accessToken, brokenId);
    expect(failed).toMatchObject({ state: "failed", policyId: null });
    expect(failed.reason).toMatch(/not a readable PDF/);
    expect((await waitForUpload(tenant.accessToken, goodId)).state).toBe("saved");

    // Re-running the failed one fails the same way, and a saved record's upload cannot be re-run.
    await callJson(`/api/upload/${brokenId}/process`, { method: "POST", token: tenant.accessToken }, 202);
    expect((await waitForUpload(tenant.accessToken, brokenId)).state).toBe("failed");
    await callJson(`/api/upload/${goodId}/process`, { method: "POST", token: tenant.accessToken }, 409);
  });

  it("re-running an upload in review replaces its record without flagging it as its own duplicate", async () => {
    const tenant = await registerTenant();
    const doc = cleanMotorDoc((d) => (d.truth.ncbPercent ?? 0) > 0 && prints(d, `${d.truth.ncbPercent}%`));
    const pdf = await pdfOf(doc, withText(doc.runs, `${doc.truth.ncbPercent}%`, "30%"));
    const first = await uploadAndSettle(tenant.accessToken, pdf);
    await callJson(`/api/upload/${first.id}/process`, { method: "POST", token: tenant.accessToken }, 202);
    const again = await waitForUpload(tenant.accessToken, first.id);
    expect(again).toMatchObject({ state: "needs_review", policyId: first.policyId });
    const policy = await callJson<PolicyBody>(
      `/api/policies/${first.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(policy.issues.map((issue) => issue.code)).toEqual(["ncb_slab"]);
  });

  it("fails an encrypted PDF with a reason that says so", async () => {
    const tenant = await registerTenant();
    const state = await uploadAndSettle(tenant.accessToken, await encryptedPdf());
    expect(state).toMatchObject({ state: "failed", policyId: null });
    expect(state.reason).toMatch(/encrypted/);
  });

  it("sends a schedule with a scanned page to review, naming the page it could not read", async () => {
    const tenant = await registerTenant();
    const doc = cleanMotorDoc((d) => d.runs.length === 1);
    const state = await uploadAndSettle(tenant.accessToken, await pdfOf(doc, [...doc.runs, []]));
    expect(state).toMatchObject({ state: "needs_review", pages: { done: 2, total: 2 } });
    const policy = await callJson<PolicyBody>(
      `/api/policies/${state.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(policy.issues).toEqual([expect.objectContaining({ field: "document", code: "scanned_pages" })]);
    expect(policy.issues[0]?.message).toMatch(/^Page\(s\) 2 /);
    expect(valuesOf(policy)).toEqual(expectedValues(doc));
  });

  it("refuses a file that is not a PDF and manual extras that are not valid", async () => {
    const tenant = await registerTenant();
    const notPdf = await uploadPolicy(tenant.accessToken, new TextEncoder().encode("hello"));
    expect(notPdf.status).toBe(415);
    const pdf = await pdfOf(cleanMotorDoc());
    for (const manualExtras of ["{not json", '{"cashback":"lots"}', '{"unknown":1}', '{"cashback":1.234}']) {
      const response = await uploadPolicy(tenant.accessToken, pdf, { manualExtras });
      expect(response.status, manualExtras).toBe(400);
    }
    const none = await callJson<{ total: number }>("/api/upload", { token: tenant.accessToken }, 200);
    expect(none.total).toBe(0);
  });
});
