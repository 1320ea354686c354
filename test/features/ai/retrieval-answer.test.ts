import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import { generateAnswer, loadAgentContext } from "../../../src/features/ai/answer";
import { callJson, registerTenant, type TestTenant } from "../../support/api";
import { textPdf } from "../../support/files";
import { upload, waitUntilSettled } from "../documents/helpers";

// No embeddings: the offline path of `npm run dev` with no AI provider.
const offline = { ...loadConfig(env), EMBEDDINGS_API_URL: undefined };

const SHOP_PDF = () =>
  textPdf([
    {
      heading: "Shipping",
      paragraphs: [
        "Orders leave our warehouse within two working days. Standard delivery takes three to five days.",
        "Parcels to islands may take longer and cost a surcharge of 6 EUR.",
      ],
    },
    {
      heading: "Damaged goods",
      paragraphs: [
        "Inspect your bicycle when it is delivered. If a wheel or the frame is damaged on arrival, photograph it and write to us within 14 days; we send a replacement part free of charge.",
        "Scratches that do not affect riding are not covered. Our workshop is open Monday to Friday. Gift cards never expire.",
      ],
    },
    {
      heading: "Returns",
      paragraphs: [
        "Unused items can be returned within 30 days for a full refund to the original payment method.",
      ],
    },
  ]);

async function offlineAnswer(tenant: TestTenant, question: string) {
  const { db, close } = openDatabase(offline);
  try {
    const ctx = await loadAgentContext({ db, config: offline }, tenant.tenant.id);
    return await generateAnswer({ db, config: offline }, ctx, [{ sender: "visitor", text: question }]);
  } finally {
    await close();
  }
}

describe("offline answers (no AI provider, no embeddings)", () => {
  it("finds a paraphrased question's passage and quotes at most three sentences with the document and page", async () => {
    const tenant = await registerTenant();
    const doc = await upload(tenant.accessToken, await SHOP_PDF(), "Bike shop policies.pdf");
    await waitUntilSettled(tenant.accessToken, doc.id);

    const answer = await offlineAnswer(tenant, "My wheel arrived bent");
    expect(answer.mode).toBe("retrieval");
    expect(answer.passages[0]).toMatchObject({ documentId: doc.id, page: 2 });
    expect(answer.text).toContain("within 14 days");
    expect(answer.citations).toEqual([{ documentId: doc.id, title: doc.title, page: 2 }]);
    const [body, source] = answer.text.split("\n\nSource: ");
    expect(source).toBe(`${doc.title}, page 2`);
    expect(body?.match(/[.!?](\s|$)/g)?.length).toBeLessThanOrEqual(3);
    // Not the whole chunk: the unrelated sentences of the page stay out.
    expect(answer.text).not.toContain("Gift cards");

    const refund = await offlineAnswer(tenant, "Can I return something unused and get refunded?");
    expect(refund.citations).toEqual([{ documentId: doc.id, title: doc.title, page: 3 }]);
    expect(refund.text).toContain("30 days");
  });

  it("still says it does not know when nothing relevant is in the documents, instead of quoting a stray word", async () => {
    const tenant = await registerTenant();
    const doc = await upload(tenant.accessToken, await SHOP_PDF(), "Bike shop policies.pdf");
    await waitUntilSettled(tenant.accessToken, doc.id);
    for (const question of [
      "Do you repair submarines?",
      "What is the capital of Peru?",
      "Which days are open for pizza delivery to Mars?",
    ]) {
      const answer = await offlineAnswer(tenant, question);
      expect(answer.text, question).toMatch(/I don't know/);
      expect(answer.citations).toEqual([]);
    }
  });

  it("answers over HTTP with the same short, cited reply when embeddings are configured (hybrid search)", async () => {
    const tenant = await registerTenant();
    const doc = await upload(tenant.accessToken, await SHOP_PDF(), "Bike shop policies.pdf");
    await waitUntilSettled(tenant.accessToken, doc.id);
    const result = await callJson<{ mode: string; reply: string; citations: { page: number | null }[] }>(
      "/api/ai/test",
      { token: tenant.accessToken, json: { message: "the frame of my bike came damaged, what now?" } },
      200,
    );
    expect(result.mode).toBe("retrieval");
    expect(result.reply).toContain("within 14 days");
    expect(result.reply).toMatch(/Source: .*page 2$/);
    expect(result.citations.map((c) => c.page)).toEqual([2]);
  });
});
