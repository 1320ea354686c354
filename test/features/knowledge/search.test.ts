import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import { searchKnowledge } from "../../../src/features/knowledge/search.service";
import { createEmbeddings } from "../../../src/providers/embeddings";
import { call, callJson, registerTenant } from "../../support/api";
import { textPdf } from "../../support/files";
import { search, uniqueWord, upload, waitUntilSettled } from "../documents/helpers";

const config = loadConfig(env);

async function searchWith(embeddings: boolean, tenantId: string, q: string) {
  const { db, close } = openDatabase(config);
  try {
    return await searchKnowledge({ db, embeddings: embeddings ? createEmbeddings(config) : null }, tenantId, {
      q,
      limit: 5,
    });
  } finally {
    await close();
  }
}

describe("knowledge search", () => {
  it("is hybrid when embeddings are configured, and /api/status says which mode is active", async () => {
    const tenant = await registerTenant();
    const status = await callJson<{ providers: Record<string, string> }>("/api/status", {}, 200);
    const result = await search(tenant.accessToken, { q: "anything" });
    expect(["hybrid-portable", "hybrid-pgvector"]).toContain(result.mode);
    expect(status.providers).toMatchObject({
      storage: "r2",
      ocr: "textract",
      embeddings: "openai-compatible (text-embedding-3-small)",
      search: result.mode,
    });
  });

  it("fuses full-text and vector rankings: finds passages by meaning that word matching alone misses", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const pdf = await textPdf([
      {
        heading: "Household contents",
        paragraphs: [`Jewellery theft from the ${word} safe is excluded unless reported.`],
      },
      {
        heading: "Motor cover",
        paragraphs: [`Your car is insured against theft and fire; ${word} keys must be kept safe.`],
      },
      { heading: "Travel", paragraphs: [`Lost luggage on ${word} trips is reimbursed up to 500 EUR.`] },
    ]);
    const doc = await upload(tenant.accessToken, pdf, "policy.pdf");
    await waitUntilSettled(tenant.accessToken, doc.id);

    // No passage contains "automobile": word matching alone only finds the two theft passages, and
    // cannot tell which is about cars.
    const fullText = await searchWith(false, tenant.tenant.id, "automobile theft");
    expect(fullText.mode).toBe("full-text");
    expect(fullText.data.map((passage) => passage.page).sort()).toEqual([1, 2]);
    expect(fullText.data[0]?.score).toBe(fullText.data[1]?.score);
    // Embeddings know a car is an automobile: the motor page comes first, cited with its page.
    const hybrid = await search(tenant.accessToken, { q: "automobile theft" });
    expect(hybrid.mode).toMatch(/^hybrid/);
    expect(hybrid.data[0]).toMatchObject({
      documentId: doc.id,
      page: 2,
      heading: "Motor cover",
      ranks: { vector: 1 },
    });
    expect(hybrid.data.map((passage) => passage.page)).toContain(1);

    // A passage found by both rankings outscores one found by either alone.
    const both = await search(tenant.accessToken, { q: "car theft" });
    expect(both.data[0]).toMatchObject({ page: 2, ranks: { fullText: 1, vector: 1 } });
    expect(both.data[0]?.score).toBeGreaterThan(both.data[1]?.score ?? 0);
    // Full text alone ranks the passage with more of the question's words first, requiring none of them.
    const lexicalOnly = await searchWith(false, tenant.tenant.id, "car theft");
    expect(lexicalOnly.data.map((passage) => passage.page)).toEqual([2, 1]);
  });

  it("filters by collection, honours the limit and escapes the document's HTML in snippets", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const encoder = new TextEncoder();
    const hr = await upload(
      tenant.accessToken,
      encoder.encode(`HR rule: ${word} bonus if score < 7 & rating > 3, paid in March.`),
      "hr.txt",
      { collection: "HR" },
    );
    const sales = await upload(
      tenant.accessToken,
      encoder.encode(`Sales rule: ${word} bonus paid quarterly.`),
      "sales.txt",
      { collection: "Sales" },
    );
    for (const doc of [hr, sales]) await waitUntilSettled(tenant.accessToken, doc.id);

    expect((await search(tenant.accessToken, { q: word })).data).toHaveLength(2);
    expect((await search(tenant.accessToken, { q: word, limit: "1" })).data).toHaveLength(1);
    const onlyHr = await search(tenant.accessToken, { q: `${word} bonus`, collection: "HR" });
    expect(onlyHr.data.map((passage) => passage.documentId)).toEqual([hr.id]);
    expect(onlyHr.data[0]?.snippet).toContain("<mark>bonus</mark> if score &#60; 7 &#38; rating &#62; 3");
    const bySalesId = await search(tenant.accessToken, { q: word, collection: sales.collection?.id ?? "" });
    expect(bySalesId.data.map((passage) => passage.documentId)).toEqual([sales.id]);

    expect((await call("/api/knowledge/search?q=", { token: tenant.accessToken })).status).toBe(400);
    expect(
      (await call(`/api/knowledge/search?q=${word}&collection=Nope`, { token: tenant.accessToken })).status,
    ).toBe(404);
  });

  it("never returns another tenant's passages, and refuses its collections", async () => {
    const owner = await registerTenant();
    const intruder = await registerTenant();
    const word = uniqueWord();
    const doc = await upload(owner.accessToken, new TextEncoder().encode(`Merger code ${word}.`), "m.txt", {
      collection: "Board",
    });
    await waitUntilSettled(owner.accessToken, doc.id);
    expect((await search(owner.accessToken, { q: word })).data).toHaveLength(1);
    expect((await search(intruder.accessToken, { q: word })).data).toEqual([]);
    const foreign = await call(`/api/knowledge/search?q=${word}&collection=${doc.collection?.id}`, {
      token: intruder.accessToken,
    });
    expect(foreign.status).toBe(404);
    expect((await call(`/api/knowledge/search?q=${word}`)).status).toBe(401);
  });

  it("answers from full text when the embeddings provider fails, instead of failing the search", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const document = await upload(
      tenant.accessToken,
      new TextEncoder().encode(`The ${word} policy covers hail.`),
      "h.txt",
    );
    await waitUntilSettled(tenant.accessToken, document.id);
    const broken = { model: "down", embed: async () => Promise.reject(new Error("connect ECONNREFUSED")) };
    const { db, close } = openDatabase(config);
    try {
      const result = await searchKnowledge({ db, embeddings: broken }, tenant.tenant.id, {
        q: word,
        limit: 5,
      });
      expect(result.mode).toBe("full-text");
      expect(result.data.map((p) => p.documentId)).toEqual([document.id]);
    } finally {
      await close();
    }
  });
});
