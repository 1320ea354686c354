import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { type Database, openDatabase } from "../../../src/db/client";
import { loadConfig } from "../../../src/env";
import { inboxPublisher } from "../../../src/features/documents/documents.events";
import type { DocumentJob } from "../../../src/features/documents/documents.jobs";
import { uploadDocument } from "../../../src/features/documents/documents.service";
import type { ProcessDeps } from "../../../src/features/documents/processing";
import { createEmbeddings } from "../../../src/providers/embeddings";
import { r2Storage } from "../../../src/providers/storage";

export interface DocumentBody {
  id: string;
  status: string;
  title: string;
  filename: string;
  kind: string;
  contentType: string;
  sizeBytes: number;
  pages: { done: number; total: number | null };
  chunkCount: number;
  error: string | null;
  attempts: number;
  processedAt: string | null;
  collection: { id: string; name: string } | null;
  metadata: Record<string, unknown>;
  statusUrl: string;
}

export interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  page: number | null;
  heading: string | null;
  score: number;
  ranks: { fullText: number | null; vector: number | null };
  snippet: string;
}

/** Sends a multipart upload to the Worker. */
export function uploadRaw(
  token: string,
  bytes: Uint8Array,
  filename: string,
  fields: Record<string, string> = {},
  declaredType = "application/octet-stream",
): Promise<Response> {
  const form = new FormData();
  form.append("file", new File([bytes], filename, { type: declaredType }));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return exports.default.fetch(
    new Request("http://switchboard.test/api/documents", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    }),
  );
}

/** Uploads and expects 202; returns the accepted document. */
export async function upload(
  token: string,
  bytes: Uint8Array,
  filename: string,
  fields: Record<string, string> = {},
): Promise<DocumentBody> {
  const response = await uploadRaw(token, bytes, filename, fields);
  const text = await response.text();
  if (response.status !== 202) throw new Error(`upload ${filename}: ${response.status} ${text}`);
  return (JSON.parse(text) as { document: DocumentBody }).document;
}

const FINAL = ["ready", "failed", "needs_ocr"];

/** Polls the status endpoint until the document settles (ready, failed or needs_ocr). */
export async function waitUntilSettled(token: string, id: string, timeoutMs = 30_000): Promise<DocumentBody> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const response = await exports.default.fetch(
      new Request(`http://switchboard.test/api/documents/${id}`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    last = await response.text();
    const body = JSON.parse(last) as DocumentBody;
    if (FINAL.includes(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`document ${id} did not settle within ${timeoutMs} ms; last: ${last}`);
}

/** Knowledge search through the API. */
export async function search(token: string, query: Record<string, string>) {
  const response = await exports.default.fetch(
    new Request(`http://switchboard.test/api/knowledge/search?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${token}` },
    }),
  );
  const text = await response.text();
  if (response.status !== 200) throw new Error(`search: ${response.status} ${text}`);
  return JSON.parse(text) as { mode: string; data: Passage[] };
}

/** What the fake Textract saw for a tag (see test/support/node/fake-textract.ts). */
export async function textractCalls(tag: string): Promise<Array<{ target: string; fixture: string | null }>> {
  const response = await fetch(`${env.FAKE_SERVICES_URL}/_test/textract/calls?tag=${tag}`);
  return (await response.json()) as Array<{ target: string; fixture: string | null }>;
}

/** Texts the fake embeddings provider received that contain `needle`. */
export async function embeddedInputs(needle: string): Promise<string[]> {
  const response = await fetch(
    `${env.FAKE_SERVICES_URL}/_test/embeddings/inputs?contains=${encodeURIComponent(needle)}`,
  );
  return ((await response.json()) as Array<{ text: string }>).map((input) => input.text);
}

/** A word no other test uses, so searches and provider logs are this test's alone. */
export const uniqueWord = () =>
  `zq${crypto
    .randomUUID()
    .replace(/[^a-f]/g, "")
    .slice(0, 8)}`;

/**
 * Stores a document through the upload service but keeps its queue message (instead of the real
 * queue), so a test can deliver it itself — with other dependencies or at a chosen attempt.
 */
export async function stageDocument(
  tenant: { user: { id: string }; tenant: { id: string } },
  bytes: Uint8Array,
  name: string,
) {
  const config = loadConfig(env);
  const { db, close } = openDatabase(config);
  const jobs: DocumentJob[] = [];
  try {
    const principal = {
      kind: "user" as const,
      id: tenant.user.id,
      tenantId: tenant.tenant.id,
      role: "TENANT_ADMIN" as const,
    };
    const deps = {
      db,
      config,
      storage: r2Storage(env.DOCUMENTS_BUCKET),
      publish: inboxPublisher(env),
      queue: { send: async (job: DocumentJob) => jobs.push(job) },
    };
    const document = await uploadDocument(deps, principal, { file: new File([bytes], name) });
    const [job] = jobs;
    if (!job) throw new Error("no job was enqueued");
    return { document, job };
  } finally {
    await close();
  }
}

/** The `policy-scan` fixture, read by OCR, is found and cited on `page`: its number, a form field, a table row. */
export async function expectPolicyScanCited(token: string, documentId: string, page: number): Promise<void> {
  const policy = await search(token, { q: "PX-48213" });
  expect(policy.data[0]).toMatchObject({ documentId, page });
  const field = await search(token, { q: "policy number" });
  expect(field.data[0]?.snippet).toContain("<mark>Policy</mark> <mark>number</mark>: PX-48213");
  const flood = await search(token, { q: "flood damage limit" });
  expect(flood.data[0]).toMatchObject({ page });
  expect(flood.data[0]?.snippet).toContain("250,000 EUR");
}

/** What the queue consumer hands runDocumentJob (R2, no OCR), for tests that run a job themselves. */
export function processDeps(db: Database, overrides: Partial<ProcessDeps> = {}): ProcessDeps {
  const config = loadConfig(env);
  return {
    db,
    storage: r2Storage(env.DOCUMENTS_BUCKET),
    publish: inboxPublisher(env),
    ocr: null,
    embeddings: createEmbeddings(config),
    maxPages: 100,
    storagePrefix: config.STORAGE_PREFIX,
    sliceMs: 60_000,
    ...overrides,
  };
}
