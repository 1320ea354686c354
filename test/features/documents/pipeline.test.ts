import { describe, expect, it } from "vitest";
import { callJson, registerTenant } from "../../support/api";
import { corruptPdf, docx, encryptedPdf, textPdf } from "../../support/files";
import { search, uniqueWord, upload, waitUntilSettled } from "./helpers";

describe("document pipeline (real queue, R2 and Postgres)", () => {
  it("extracts a multi-page PDF page by page and search cites the right page", {
    timeout: 60_000,
  }, async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const pdf = await textPdf([
      {
        heading: "Introduction",
        paragraphs: ["This policy explains what the insurer covers and how to claim."],
      },
      {
        heading: "Exclusions",
        paragraphs: ["Wear and tear is never covered.", "Damage caused on purpose is excluded."],
      },
      {
        heading: "Water damage",
        paragraphs: [`Burst pipes and ${word} leaks are covered up to the limit in the schedule.`],
      },
    ]);
    const accepted = await upload(tenant.accessToken, pdf, "policy.pdf", { title: "Home policy" });
    expect(accepted).toMatchObject({ status: "queued", kind: "pdf", title: "Home policy" });

    const done = await waitUntilSettled(tenant.accessToken, accepted.id);
    expect(done).toMatchObject({ status: "ready", pages: { done: 3, total: 3 }, error: null });
    expect(done.chunkCount).toBeGreaterThanOrEqual(3);

    const results = await search(tenant.accessToken, { q: `${word} leaks` });
    expect(results.data[0]).toMatchObject({
      documentId: accepted.id,
      title: "Home policy",
      page: 3,
      heading: "Water damage",
    });
    expect(results.data[0]?.snippet).toContain(`<mark>${word}</mark>`);
    const exclusions = await search(tenant.accessToken, { q: "wear and tear" });
    expect(exclusions.data[0]).toMatchObject({ documentId: accepted.id, page: 2, heading: "Exclusions" });
  });

  it("reads DOCX headings, tables and page breaks", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const file = docx(
      [
        { text: "Employee handbook", style: "Title" },
        { text: "Holidays", style: "Heading1" },
        { text: "Everyone gets twenty-five days of paid leave per year." },
        { text: "Expenses", style: "Heading1", pageBreakBefore: true },
        { text: `Travel is reimbursed through the ${word} portal within a week.` },
      ],
      [
        ["Expense", "Limit"],
        ["Hotel night", "180 EUR"],
      ],
    );
    const accepted = await upload(tenant.accessToken, file, "handbook.docx");
    expect(accepted.kind).toBe("docx");
    const done = await waitUntilSettled(tenant.accessToken, accepted.id);
    expect(done).toMatchObject({ status: "ready", pages: { done: 2, total: 2 } });

    const portal = await search(tenant.accessToken, { q: `${word} portal` });
    expect(portal.data[0]).toMatchObject({ documentId: accepted.id, page: 2, heading: "Expenses" });
    const hotel = await search(tenant.accessToken, { q: "hotel night limit" });
    expect(hotel.data[0]?.snippet).toContain("<mark>Hotel</mark> <mark>night</mark> | 180 EUR");
    const leave = await search(tenant.accessToken, { q: "paid leave" });
    expect(leave.data[0]).toMatchObject({ page: 1, heading: "Holidays" });
  });

  it("indexes Markdown, HTML and CSV without page numbers", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const encoder = new TextEncoder();
    const md = await upload(
      tenant.accessToken,
      encoder.encode(
        `# Onboarding\n\nNew staff receive a ${word} badge on day one.\n\n## Parking\n\nPark behind the building.\n`,
      ),
      "onboarding.md",
    );
    const html = await upload(
      tenant.accessToken,
      encoder.encode(
        `<!doctype html><html><head><style>p{color:red}</style><script>var secret = "scriptword";</script></head><body><h1>Returns</h1><p>Items can be returned within 30 days &amp; refunded.</p></body></html>`,
      ),
      "returns.html",
    );
    const csv = await upload(
      tenant.accessToken,
      encoder.encode(`sku,name,price\nA-1,${word} kettle,39.90\nA-2,toaster,24.50\n`),
      "prices.csv",
    );
    expect([md.kind, html.kind, csv.kind]).toEqual(["md", "html", "csv"]);
    for (const doc of [md, html, csv]) {
      expect(await waitUntilSettled(tenant.accessToken, doc.id)).toMatchObject({ status: "ready" });
    }
    const badge = await search(tenant.accessToken, { q: `${word} badge` });
    expect(badge.data[0]).toMatchObject({ documentId: md.id, page: null, heading: "Onboarding" });
    const kettle = await search(tenant.accessToken, { q: `${word} kettle` });
    expect(kettle.data[0]?.snippet).toContain("price: 39.90");
    const returns = await search(tenant.accessToken, { q: "returned refunded" });
    expect(returns.data[0]).toMatchObject({ documentId: html.id, heading: "Returns" });
    expect(returns.data[0]?.snippet).toContain("&#38;");
    expect((await search(tenant.accessToken, { q: "scriptword" })).data).toEqual([]);
  });

  it("fails a corrupt or encrypted PDF alone, with a reason, while the next file is processed", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const corrupt = await upload(tenant.accessToken, corruptPdf(), "broken.pdf");
    const locked = await upload(tenant.accessToken, await encryptedPdf(), "locked.pdf");
    const fine = await upload(
      tenant.accessToken,
      new TextEncoder().encode(`Plain ${word} notes.`),
      "notes.txt",
    );

    const corruptDone = await waitUntilSettled(tenant.accessToken, corrupt.id);
    const lockedDone = await waitUntilSettled(tenant.accessToken, locked.id);
    const fineDone = await waitUntilSettled(tenant.accessToken, fine.id);
    expect(corruptDone.status).toBe("failed");
    expect(corruptDone.error).toMatch(/corrupt/i);
    expect(corruptDone.attempts).toBe(1);
    expect(lockedDone.status).toBe("failed");
    expect(lockedDone.error).toMatch(/encrypted/i);
    expect(fineDone.status).toBe("ready");
    expect((await search(tenant.accessToken, { q: word })).data).toHaveLength(1);
  });

  it("re-processes on request without duplicating chunks", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const doc = await upload(
      tenant.accessToken,
      new TextEncoder().encode(`The ${word} clause applies.`),
      "c.txt",
    );
    const first = await waitUntilSettled(tenant.accessToken, doc.id);
    const again = await callJson<{ document: { status: string } }>(
      `/api/documents/${doc.id}/process`,
      { method: "POST", token: tenant.accessToken },
      202,
    );
    expect(again.document.status).toBe("queued");
    const second = await waitUntilSettled(tenant.accessToken, doc.id);
    expect(second).toMatchObject({ status: "ready", chunkCount: first.chunkCount });
    expect((await search(tenant.accessToken, { q: word })).data).toHaveLength(1);
  });
});
