import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant } from "../../support/api";
import { cleanMotorDoc, type PolicyBody, pdfOf, uploadAndSettle, uploadPolicy } from "./helpers";

const motor = (policyNumber: string, overrides: Record<string, unknown> = {}) => ({
  productLine: "motor",
  policyNumber,
  insurer: "tata aig",
  productType: "Private Car",
  issueDate: "2026-03-10",
  startDate: "2026-03-12",
  expiryDate: "2027-03-11",
  netPremium: 10000,
  gstAmount: 1800,
  totalPremium: 11800.5,
  customerName: "Meera Nair",
  vehicleNumber: "mh 12-ab 1234",
  ncbPercent: 25,
  ...overrides,
});

describe("policy records", () => {
  it("saves a complete manual entry, in rupees over the API and paise in the audit, and keeps an incomplete one in review", async () => {
    const tenant = await registerTenant();
    const saved = await callJson<PolicyBody>(
      "/api/policies",
      { token: tenant.accessToken, json: { fields: motor("P-100"), extras: { brokerage: 1200.25 } } },
      201,
    );
    expect(saved).toMatchObject({ status: "saved", source: "manual_form", issues: [] });
    expect(saved.fields.insurer?.value).toBe("TATA AIG General Insurance");
    expect(saved.fields.vehicleNumber?.value).toBe("MH12AB1234");
    expect(saved.fields.totalPremium).toEqual({
      value: 11800.5,
      confidence: 1,
      source: "manual",
      page: null,
    });
    expect(saved.extras.brokerage).toBe(1200.25);

    const edited = await callJson<PolicyBody>(
      `/api/policies/${saved.id}`,
      { method: "PUT", token: tenant.accessToken, json: { fields: { totalPremium: 11801 } } },
      200,
    );
    expect(edited.fields.totalPremium?.value).toBe(11801);
    const changes = await callJson<{ data: Array<{ field: string; oldValue: unknown; newValue: unknown }> }>(
      `/api/policies/${saved.id}/changes`,
      { token: tenant.accessToken },
      200,
    );
    expect(changes.data.at(-1)).toMatchObject({
      field: "totalPremium",
      oldValue: 1180050,
      newValue: 1180100,
    });

    // A check failing after an edit sends a saved record back to review.
    const broken = await callJson<PolicyBody>(
      `/api/policies/${saved.id}`,
      { method: "PUT", token: tenant.accessToken, json: { fields: { totalPremium: 20000 } } },
      200,
    );
    expect(broken.status).toBe("needs_review");
    expect(broken.issues.map((issue) => issue.code)).toEqual(["premium_mismatch"]);

    const partial = await callJson<PolicyBody>(
      "/api/policies",
      { token: tenant.accessToken, json: { fields: { productLine: "motor", policyNumber: "P-101" } } },
      201,
    );
    expect(partial.status).toBe("needs_review");
    const refused = await callJson<{ error: { details: Array<{ code: string }> } }>(
      `/api/policies/${partial.id}/confirm`,
      { method: "POST", token: tenant.accessToken },
      409,
    );
    expect(refused.error.details.every((issue) => issue.code === "missing_required")).toBe(true);
    const rejected = await callJson<PolicyBody>(
      `/api/policies/${partial.id}/reject`,
      { method: "POST", token: tenant.accessToken },
      200,
    );
    expect(rejected.status).toBe("rejected");
    await callJson(`/api/policies/${partial.id}/confirm`, { method: "POST", token: tenant.accessToken }, 409);
  });

  it("refuses invalid edits with a 400", async () => {
    const tenant = await registerTenant();
    const policy = await callJson<PolicyBody>(
      "/api/policies",
      { token: tenant.accessToken, json: { fields: motor("P-200") } },
      201,
    );
    for (const json of [
      { fields: { totalPremium: 1.234 } },
      { fields: { insurer: "Acme Insurance" } },
      { fields: { startDate: "12/03/2026" } },
      { fields: { nope: 1 } },
      {},
    ]) {
      const response = await call(`/api/policies/${policy.id}`, {
        method: "PUT",
        token: tenant.accessToken,
        json,
      });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
  });

  it("filters by status, insurer, product line, issue date and a search over number, plate and customer", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const create = (fields: Record<string, unknown>) =>
      callJson<PolicyBody>("/api/policies", { token, json: { fields } }, 201);
    const a = await create(motor("TA-1"));
    const b = await create(
      motor("HD-2", {
        insurer: "HDFC ERGO",
        issueDate: "2025-01-05",
        vehicleNumber: "KA01MN9999",
        customerName: "Arjun Rao",
      }),
    );
    const c = await create({ productLine: "health", policyNumber: "ST-3", insurer: "Star Health" });
    const ids = async (query: string) =>
      (await callJson<{ data: { id: string }[] }>(`/api/policies?${query}`, { token }, 200)).data.map(
        (p) => p.id,
      );
    expect(await ids("status=saved")).toEqual([b.id, a.id]);
    expect(await ids("status=needs_review")).toEqual([c.id]);
    expect(await ids("insurer=HDFC%20ERGO%20General%20Insurance")).toEqual([b.id]);
    expect(await ids("productLine=health")).toEqual([c.id]);
    expect(await ids("from=2026-01-01&to=2026-12-31")).toEqual([a.id]);
    expect(await ids("q=ka-01")).toEqual([b.id]);
    expect(await ids("q=meera")).toEqual([a.id]);
    expect(await ids("q=st-3")).toEqual([c.id]);
    expect(await ids("q=%25")).toEqual([]);
    const page = await callJson<{ data: { id: string }[]; total: number; nextOffset: number | null }>(
      "/api/policies?limit=2",
      { token },
      200,
    );
    expect(page).toMatchObject({ total: 3, nextOffset: 2 });
    expect(await ids("limit=2&offset=2")).toEqual([a.id]);
  });

  it("filters by product type, rep, branch and make (ignoring case) and by an expiry range", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const create = (fields: Record<string, unknown>, extras: Record<string, unknown> = {}) =>
      callJson<PolicyBody>("/api/policies", { token, json: { fields, extras } }, 201);
    const car = await create(motor("F-1", { make: "Maruti", expiryDate: "2027-01-31" }), {
      callerName: "Asha",
      branch: "Pune",
    });
    const bike = await create(
      motor("F-2", { productType: "Two-Wheeler", make: "Honda", expiryDate: "2027-06-30" }),
      { callerName: "Ravi", branch: "Mumbai" },
    );
    const ids = async (query: string) =>
      (await callJson<{ data: { id: string }[] }>(`/api/policies?${query}`, { token }, 200)).data.map(
        (p) => p.id,
      );
    expect(await ids("productType=two-wheeler")).toEqual([bike.id]);
    expect(await ids("callerName=asha")).toEqual([car.id]);
    expect(await ids("branch=MUMBAI")).toEqual([bike.id]);
    expect(await ids("make=maruti")).toEqual([car.id]);
    expect(await ids("make=maru")).toEqual([]);
    expect(await ids("expiryFrom=2027-02-01")).toEqual([bike.id]);
    expect(await ids("expiryTo=2027-01-31")).toEqual([car.id]);
    expect(await ids("expiryFrom=2027-01-01&expiryTo=2027-12-31&callerName=Ravi")).toEqual([bike.id]);
    for (const bad of ["expiryFrom=2027-02-01&expiryTo=2027-01-01", "expiryTo=31-01-2027", "make="])
      expect((await call(`/api/policies?${bad}`, { token })).status, bad).toBe(400);
  });

  it("lets ops (TENANT_USER) upload, edit and review, and only admins delete", async () => {
    const tenant = await registerTenant();
    const ops = await addUser(tenant.tenant.id, "TENANT_USER");
    const state = await uploadAndSettle(ops.accessToken, await pdfOf(cleanMotorDoc()));
    const path = `/api/policies/${state.policyId}`;
    await callJson(path, { method: "PUT", token: ops.accessToken, json: { extras: { remark: "ok" } } }, 200);
    const manual = await callJson<PolicyBody>(
      "/api/policies",
      { token: ops.accessToken, json: { fields: { policyNumber: "X-1" } } },
      201,
    );
    await callJson(`/api/policies/${manual.id}/reject`, { method: "POST", token: ops.accessToken }, 200);
    await callJson(path, { method: "DELETE", token: ops.accessToken }, 403);
    await callJson(path, { method: "DELETE", token: tenant.accessToken }, 204);
    await callJson(path, { token: tenant.accessToken }, 404);
    await callJson(`/api/upload/${state.id}`, { token: tenant.accessToken }, 404);
    expect((await uploadPolicy("not-a-token", new Uint8Array([1]))).status).toBe(401);
  });
});
