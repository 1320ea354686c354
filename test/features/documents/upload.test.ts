import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, registerTenant, withinOneRateWindow } from "../../support/api";
import { docx, pngBytes, textPdf } from "../../support/files";
import { type DocumentBody, search, uniqueWord, upload, uploadRaw, waitUntilSettled } from "./helpers";

const encoder = new TextEncoder();

describe("document upload and management", () => {
  it("accepts an upload with 202, its status URL, collection and metadata, and stores the original in R2", async () => {
    const tenant = await registerTenant();
    const response = await uploadRaw(
      tenant.accessToken,
      encoder.encode("Opening hours: 9 to 5."),
      "hours.txt",
      {
        collection: "Support",
        metadata: JSON.stringify({ source: "crm", owner: 7 }),
      },
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { document: DocumentBody; statusUrl: string };
    expect(response.headers.get("Location")).toBe(`/api/documents/${body.document.id}`);
    expect(body.statusUrl).toBe(`/api/documents/${body.document.id}/status`);
    expect(body.document).toMatchObject({
      status: "queued",
      kind: "txt",
      title: "hours",
      filename: "hours.txt",
      sizeBytes: 22,
      // SHA-256 of the bytes (computed while they are being stored).
      sha256: "d57a903559b3db4c9f021c446f482f2fd7a80ecc5cfe7701db935c4e15f8637b",
      collection: { name: "Support" },
      metadata: { source: "crm", owner: 7 },
    });
    const key = `dev/${tenant.tenant.id}/documents/${body.document.id}/original`;
    const stored = await env.DOCUMENTS_BUCKET.get(key);
    expect(await stored?.text()).toBe("Opening hours: 9 to 5.");

    const status = await callJson<Record<string, unknown>>(
      body.statusUrl,
      { token: tenant.accessToken },
      200,
    );
    expect(Object.keys(status).sort()).toEqual(
      ["attempts", "chunkCount", "error", "id", "pages", "processedAt", "status", "updatedAt"].sort(),
    );
    await waitUntilSettled(tenant.accessToken, body.document.id);
    expect(await callJson(body.statusUrl, { token: tenant.accessToken }, 200)).toMatchObject({
      status: "ready",
      pages: { done: 1, total: 1 },
      chunkCount: 1,
      error: null,
    });
  });

  it("detects the type from the bytes, not from a lying name", async () => {
    const tenant = await registerTenant();
    const pdfNamedTxt = await upload(
      tenant.accessToken,
      await textPdf([{ paragraphs: ["Hello"] }]),
      "notes.txt",
    );
    expect(pdfNamedTxt).toMatchObject({ kind: "pdf", contentType: "application/pdf", filename: "notes.txt" });
    const textNamedPdf = await upload(tenant.accessToken, encoder.encode("just words"), "scan.pdf");
    expect(textNamedPdf.kind).toBe("txt");
    const docxNamedCsv = await upload(tenant.accessToken, docx([{ text: "Hi" }]), "table.csv");
    expect(docxNamedCsv.kind).toBe("docx");

    const png = await uploadRaw(tenant.accessToken, pngBytes(), "contract.pdf", {}, "application/pdf");
    expect(png.status).toBe(415);
    const error = (
      (await png.json()) as { error: { code: string; message: string; details: { detected: string } } }
    ).error;
    expect(error.code).toBe("unsupported_media_type");
    expect(error.message).toMatch(/detected image\/png/);
    expect(error.details.detected).toBe("image/png");

    const binary = await uploadRaw(tenant.accessToken, new Uint8Array([1, 2, 0, 3, 255, 0]), "data.txt");
    expect(binary.status).toBe(415);
  });

  it("refuses too-large files with 413, non-multipart bodies with 415, and a missing file with 400", async () => {
    const tenant = await registerTenant();
    const big = new Uint8Array(4 * 1024 * 1024 + 1).fill(0x61);
    const tooLarge = await uploadRaw(tenant.accessToken, big, "big.txt");
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: "payload_too_large",
      details: { limitBytes: 4 * 1024 * 1024 },
    });
    const asJson = await call("/api/documents", { token: tenant.accessToken, json: { file: "x" } });
    expect(asJson.status).toBe(415);
    const form = new FormData();
    form.append("title", "no file");
    const noFile = await exports.default.fetch(
      new Request("http://switchboard.test/api/documents", {
        method: "POST",
        headers: { Authorization: `Bearer ${tenant.accessToken}` },
        body: form,
      }),
    );
    expect(noFile.status).toBe(400);
    const empty = await uploadRaw(tenant.accessToken, new Uint8Array(), "empty.txt");
    expect(empty.status).toBe(400);
    const badMetadata = await uploadRaw(tenant.accessToken, encoder.encode("x"), "x.txt", {
      metadata: "[1,2]",
    });
    expect(badMetadata.status).toBe(400);
  });

  it("limits uploads to 10 per minute per principal", { timeout: 30_000 }, async () => {
    const tenant = await registerTenant();
    const statuses: number[] = [];
    await withinOneRateWindow();
    for (let i = 0; i < 11; i++) {
      const response = await uploadRaw(tenant.accessToken, encoder.encode(`note ${i}`), `n${i}.txt`);
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 202)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("lists with status and collection filters and keyset pagination", async () => {
    const tenant = await registerTenant();
    const a = await upload(tenant.accessToken, encoder.encode("alpha text"), "a.txt", {
      collection: "Manuals",
    });
    const b = await upload(tenant.accessToken, encoder.encode("beta text"), "b.txt", {
      collection: "Manuals",
    });
    const c = await upload(tenant.accessToken, encoder.encode("gamma text"), "c.txt");
    for (const doc of [a, b, c]) await waitUntilSettled(tenant.accessToken, doc.id);

    type Page = { data: DocumentBody[]; nextCursor: string | null };
    const first = await callJson<Page>("/api/documents?limit=2", { token: tenant.accessToken }, 200);
    expect(first.data.map((d) => d.id)).toEqual([c.id, b.id]);
    const second = await callJson<Page>(
      `/api/documents?limit=2&cursor=${first.nextCursor}`,
      { token: tenant.accessToken },
      200,
    );
    expect(second.data.map((d) => d.id)).toEqual([a.id]);
    expect(second.nextCursor).toBeNull();

    const manuals = await callJson<Page>(
      "/api/documents?collection=Manuals",
      { token: tenant.accessToken },
      200,
    );
    expect(manuals.data.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    const ready = await callJson<Page>("/api/documents?status=ready", { token: tenant.accessToken }, 200);
    expect(ready.data).toHaveLength(3);
    const failed = await callJson<Page>("/api/documents?status=failed", { token: tenant.accessToken }, 200);
    expect(failed.data).toHaveLength(0);
    expect((await call("/api/documents?collection=Nope", { token: tenant.accessToken })).status).toBe(404);
    expect((await call("/api/documents?cursor=garbage", { token: tenant.accessToken })).status).toBe(400);
  });

  it("streams the original back and deletes the object, chunks and embeddings", async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const bytes = await textPdf([{ paragraphs: [`The ${word} warranty lasts two years.`] }]);
    const doc = await upload(tenant.accessToken, bytes, "warranty é.pdf");
    await waitUntilSettled(tenant.accessToken, doc.id);
    expect((await search(tenant.accessToken, { q: word })).data).toHaveLength(1);

    const download = await call(`/api/documents/${doc.id}/download`, { token: tenant.accessToken });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/pdf");
    expect(download.headers.get("Content-Disposition")).toContain("filename*=UTF-8''warranty%20%C3%A9.pdf");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    expect(
      (await call(`/api/documents/${doc.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(204);
    expect(
      await env.DOCUMENTS_BUCKET.head(`dev/${tenant.tenant.id}/documents/${doc.id}/original`),
    ).toBeNull();
    expect((await search(tenant.accessToken, { q: word })).data).toEqual([]);
    expect((await call(`/api/documents/${doc.id}`, { token: tenant.accessToken })).status).toBe(404);
    expect(
      (await call(`/api/documents/${doc.id}`, { method: "DELETE", token: tenant.accessToken })).status,
    ).toBe(404);
  });

  it("answers 404 for another tenant's document everywhere, and needs a token", async () => {
    const owner = await registerTenant();
    const other = await registerTenant();
    const word = uniqueWord();
    const doc = await upload(owner.accessToken, encoder.encode(`Secret ${word} pricing.`), "secret.txt");
    await waitUntilSettled(owner.accessToken, doc.id);
    for (const [method, path] of [
      ["GET", `/api/documents/${doc.id}`],
      ["GET", `/api/documents/${doc.id}/status`],
      ["GET", `/api/documents/${doc.id}/download`],
      ["POST", `/api/documents/${doc.id}/process`],
      ["DELETE", `/api/documents/${doc.id}`],
    ] as const) {
      expect((await call(path, { method, token: other.accessToken })).status, `${method} ${path}`).toBe(404);
    }
    expect((await search(other.accessToken, { q: word })).data).toEqual([]);
    expect(
      (await callJson<{ data: unknown[] }>("/api/documents", { token: other.accessToken }, 200)).data,
    ).toEqual([]);
    expect((await call(`/api/documents/${doc.id}`)).status).toBe(401);
    expect((await search(owner.accessToken, { q: word })).data).toHaveLength(1);
  });

  it("lets tenant users upload and read but not manage collections", async () => {
    const tenant = await registerTenant();
    const member = await addUser(tenant.tenant.id, "TENANT_USER");
    const doc = await upload(member.accessToken, encoder.encode("member notes"), "m.txt");
    await callJson(`/api/documents/${doc.id}`, { token: tenant.accessToken }, 200);
    const create = await call("/api/knowledge/collections", {
      token: member.accessToken,
      json: { name: "X" },
    });
    expect(create.status).toBe(403);
  });
});
