import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/env";
import { sha256 } from "../../../src/lib/crypto";
import { s3Storage } from "../../../src/providers/storage";
import { parseXmlDocument } from "../../../src/providers/xml-dom";
import { registerTenant } from "../../support/api";
import { textPdf } from "../../support/files";
import { search, uniqueWord } from "./helpers";
import { s3Objects, s3Worker } from "./s3-world";

const config = loadConfig(env);

describe("documents on S3 storage (the real AWS SDK against a local S3)", () => {
  it("uploads to the tenant's prefix, processes to ready, serves the same bytes and deletes the object", {
    timeout: 30_000,
  }, async () => {
    const tenant = await registerTenant();
    const word = uniqueWord();
    const pdf = await textPdf([
      { heading: "Storage terms", paragraphs: [`The ${word} clause covers cold storage of grain.`] },
      { paragraphs: [`Second page mentions ${word} warehouses in Rotterdam.`] },
    ]);
    const app = s3Worker();

    const doc = await app.upload(tenant.accessToken, pdf, "terms.pdf");

    const key = `${config.STORAGE_PREFIX}${tenant.tenant.id}/documents/${doc.id}/original`;
    expect(await s3Objects(`${config.STORAGE_PREFIX}${tenant.tenant.id}/`)).toEqual([
      { key, size: pdf.byteLength, contentType: "application/pdf", sha256: await sha256(pdf) },
    ]);
    // Nothing went to the R2 binding.
    expect(await env.DOCUMENTS_BUCKET.head(key)).toBeNull();

    expect(app.sent.map(({ job }) => job)).toEqual([
      { documentId: doc.id, tenantId: tenant.tenant.id, generation: 1 },
    ]);
    const { settled } = await app.deliverNext();
    expect(settled).toEqual(["ack"]);
    expect(app.sent).toEqual([]);
    const status = await app.fetch(`/api/documents/${doc.id}`, { token: tenant.accessToken });
    expect(await status.json()).toMatchObject({ status: "ready", pages: { done: 2, total: 2 }, error: null });
    expect((await search(tenant.accessToken, { q: `${word} warehouses` })).data[0]).toMatchObject({
      documentId: doc.id,
      page: 2,
    });

    const download = await app.fetch(`/api/documents/${doc.id}/download`, { token: tenant.accessToken });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-length")).toBe(String(pdf.byteLength));
    expect(download.body).toBeInstanceOf(ReadableStream);
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(pdf));

    const deleted = await app.fetch(`/api/documents/${doc.id}`, {
      method: "DELETE",
      token: tenant.accessToken,
    });
    expect(deleted.status).toBe(204);
    expect(await s3Objects(`${config.STORAGE_PREFIX}${tenant.tenant.id}/`)).toEqual([]);
    const gone = await app.fetch(`/api/documents/${doc.id}`, { token: tenant.accessToken });
    expect(gone.status).toBe(404);
  });

  it("reads a missing object as null and deletes several keys at once", async () => {
    const storage = s3Storage({ ...config, STORAGE_PROVIDER: "s3" });
    const prefix = `${crypto.randomUUID()}/`;
    expect(await storage.get(`${prefix}missing`)).toBeNull();
    expect(await storage.bytes(`${prefix}missing`)).toBeNull();

    const keys = [`${prefix}a`, `${prefix}b & <c>`, `${prefix}ü/d`];
    for (const [index, key] of keys.entries()) {
      await storage.put(key, new Uint8Array([index, 0, 255]), "application/octet-stream");
    }
    expect((await s3Objects(prefix)).map((object) => object.key).sort()).toEqual([...keys].sort());
    expect(await storage.bytes(keys[1] ?? "")).toEqual(new Uint8Array([1, 0, 255]));
    await storage.delete(keys.slice(0, 2));
    expect((await s3Objects(prefix)).map((object) => object.key)).toEqual([keys[2]]);
    await storage.delete([]);
    await storage.delete(keys);
    expect(await s3Objects(prefix)).toEqual([]);

    // S3 answers 200 to a multi-object delete even when it refused some keys: that is an error.
    const locked = `${prefix}protected/e`;
    await storage.put(locked, new Uint8Array([1]), "text/plain");
    await storage.put(`${prefix}f`, new Uint8Array([2]), "text/plain");
    await expect(storage.delete([`${prefix}f`, locked])).rejects.toThrow(
      `S3 did not delete 1 object(s); ${locked}: AccessDenied: Access Denied`,
    );
    expect((await s3Objects(prefix)).map((object) => object.key)).toEqual([locked]);

    // One request takes 1000 keys at most (the fake refuses more, as S3 does): larger deletes are split.
    const last = `${prefix}g`;
    await storage.put(last, new Uint8Array([3]), "text/plain");
    await storage.delete([...Array.from({ length: 1000 }, (_, index) => `${prefix}none-${index}`), last]);
    expect((await s3Objects(prefix)).map((object) => object.key)).toEqual([locked]);
  });

  it("surfaces S3's refusal of credentials that may not use the bucket", async () => {
    const storage = s3Storage({
      ...config,
      S3_ACCESS_KEY_ID: "AKIATESTNOACCESS",
      S3_SECRET_ACCESS_KEY: "test-s3-no-access",
    });
    await expect(storage.put(`${crypto.randomUUID()}/x`, new Uint8Array([1]), "text/plain")).rejects.toThrow(
      expect.objectContaining({ name: "AccessDenied" }),
    );
    await expect(storage.get(`${crypto.randomUUID()}/x`)).rejects.toThrow(
      expect.objectContaining({ name: "AccessDenied" }),
    );
    const wrongSecret = s3Storage({ ...config, S3_SECRET_ACCESS_KEY: "not-the-secret" });
    await expect(wrongSecret.bytes(`${crypto.randomUUID()}/x`)).rejects.toThrow(
      expect.objectContaining({ name: "SignatureDoesNotMatch" }),
    );
  });

  it("reads XML the way a DOM would, and refuses what is not well-formed", () => {
    const root = parseXmlDocument(
      '<?xml version="1.0"?>\n<Error a="1"><Code>NoSuchKey</Code><Key>a &amp; b<![CDATA[<c>]]></Key><Empty/></Error>',
    );
    expect(root).toMatchObject({
      nodeName: "Error",
      attributes: [{ name: "a", value: "1" }],
      textContent: "NoSuchKeya & b<c>",
    });
    expect(root?.childNodes.map((child) => [child.nodeName, child.textContent])).toEqual([
      ["Code", "NoSuchKey"],
      ["Key", "a & b<c>"],
      ["Empty", ""],
    ]);
    for (const broken of ["<a><b></a>", "<a>", "text", "<a></a><b></b>", "<a>x</a> y", "<a x<b/></a>"]) {
      expect(parseXmlDocument(broken)).toBeNull();
    }
  });
});
