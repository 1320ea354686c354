import { describe, expect, it } from "vitest";
import { requestsFor, script, uniqueModel, useFakeProvider } from "../../support/ai";
import { callJson, registerTenant } from "../../support/api";
import { cleanMotorDoc, type PolicyBody, pdfOf, prints, uploadAndSettle, withText } from "./helpers";

/** A clean schedule whose insured's name the rules cannot find (its label is garbled). */
function nameless() {
  const doc = cleanMotorDoc((d) => prints(d, "Insured Name") && prints(d, d.truth.customerName ?? "?"));
  return { doc, runs: withText(doc.runs, "Insured Name", "Xq Zv") };
}

const answer = (fields: Record<string, string | null>) => ({
  type: "text" as const,
  chunks: [JSON.stringify(fields)],
});

describe("AI fallback for fields the rules did not find", () => {
  it("fills a missing field from the tenant's model only when the answer is printed in the document (source llm, always reviewed)", {
    timeout: 60_000,
  }, async () => {
    const { doc, runs } = nameless();
    const pdf = await pdfOf(doc, runs);
    const name = String(doc.truth.customerName);

    // Without a provider nothing changes: the name is missing and the record waits for a human.
    const plain = await registerTenant();
    const before = await uploadAndSettle(plain.accessToken, pdf);
    const unread = await callJson<PolicyBody>(
      `/api/policies/${before.policyId}`,
      { token: plain.accessToken },
      200,
    );
    expect(unread.fields.customerName).toBeUndefined();
    expect(unread.issues).toContainEqual(
      expect.objectContaining({ field: "customerName", code: "missing_required" }),
    );

    // A model that invents: its name is not in the document, so it is refused and nothing is stored.
    const liar = await registerTenant();
    const inventing = uniqueModel();
    await useFakeProvider(liar, inventing);
    await script(inventing, [answer({ customerName: "John Doe" })]);
    const invented = await uploadAndSettle(liar.accessToken, pdf);
    const refused = await callJson<PolicyBody>(
      `/api/policies/${invented.policyId}`,
      { token: liar.accessToken },
      200,
    );
    expect(refused.fields.customerName).toBeUndefined();
    expect(JSON.stringify(refused)).not.toContain("John Doe");
    const [asked] = await requestsFor(inventing);
    const body = asked?.body as {
      response_format?: { type: string; json_schema: { schema: { required: string[] } } };
    };
    expect(body.response_format?.type).toBe("json_schema");
    expect(body.response_format?.json_schema.schema.required).toContain("customerName");
    // Fields the rules read surely are never asked.
    expect(body.response_format?.json_schema.schema.required).not.toContain("policyNumber");

    // A model that reads it from the page: kept, marked llm, below the review threshold.
    const tenant = await registerTenant();
    const reading = uniqueModel();
    await useFakeProvider(tenant, reading);
    await script(reading, [answer({ customerName: name, policyNumber: "NOT-ASKED-1" })]);
    const state = await uploadAndSettle(tenant.accessToken, pdf);
    const policy = await callJson<PolicyBody>(
      `/api/policies/${state.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(policy.fields.customerName).toEqual({ value: name, confidence: 0.7, source: "llm", page: 1 });
    expect(policy.fields.policyNumber?.value).toBe(doc.truth.policyNumber);
    expect(policy.fields.policyNumber?.source).toBe("text");
    expect(state.state).toBe("needs_review");
    expect(policy.issues).toEqual([
      expect.objectContaining({ field: "customerName", code: "low_confidence" }),
    ]);
  });
});

describe("AI fallback usage", () => {
  it("records the fallback's tokens as the tenant's AI usage and stops asking once the month's budget is spent", {
    timeout: 60_000,
  }, async () => {
    const { doc, runs } = nameless();
    const pdf = await pdfOf(doc, runs);
    const tenant = await registerTenant();
    const model = uniqueModel();
    await useFakeProvider(tenant, model, { monthlyTokenBudget: 900 });
    await script(model, [
      {
        ...answer({ customerName: String(doc.truth.customerName) }),
        usage: { prompt_tokens: 880, completion_tokens: 60 },
      },
    ]);
    await uploadAndSettle(tenant.accessToken, pdf);

    const today = new Date().toISOString().slice(0, 10);
    const report = await callJson<{
      totals: Record<string, number>;
      tables: { name: string; rows: { key: string | null; values: (number | null)[] }[] }[];
    }>(`/api/analytics/ai?from=${today}&to=${today}`, { token: tenant.accessToken }, 200);
    expect(report.totals.ai_tokens).toBe(940);
    const byModel = report.tables.find((table) => table.name === "byModel");
    expect(byModel?.rows).toEqual([expect.objectContaining({ key: model })]);

    // 940 of 900 tokens are spent: the next extraction does not ask the model.
    const again = await uploadAndSettle(tenant.accessToken, pdf);
    expect(await requestsFor(model)).toHaveLength(1);
    const unread = await callJson<PolicyBody>(
      `/api/policies/${again.policyId}`,
      { token: tenant.accessToken },
      200,
    );
    expect(unread.fields.customerName).toBeUndefined();
  });
});
