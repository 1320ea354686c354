import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, registerTenant, type TestTenant } from "../../support/api";
import { createConversation } from "../../support/conversations";
import { docx, pngBytes, textPdf } from "../../support/files";
import { isType, mustOpen } from "../../support/ws";

interface Attachment {
  id: string;
  conversationId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  url: string;
}

const origin = "https://shop.example.test";

/** A visitor on the tenant's site: their conversation, ticket and socket in its room. */
async function visitor(tenant: TestTenant) {
  const key = await callJson<{ publicKey: string }>(
    "/api/widget-keys",
    { token: tenant.accessToken, json: { name: "site", allowedOrigins: [origin] } },
    201,
  );
  const session = await callJson<{ conversation: { id: string }; ticket: { ticket: string; url: string } }>(
    "/api/widget/sessions",
    { json: { widgetKey: key.publicKey }, headers: { Origin: origin } },
    200,
  );
  const socket = await mustOpen(session.ticket.url);
  await socket.next(isType("ready"));
  return { conversationId: session.conversation.id, ticket: session.ticket.ticket, socket };
}

const upload = (
  conversationId: string,
  body: Uint8Array,
  auth: { token?: string; ticket?: string },
  filename?: string,
) => {
  const query = new URLSearchParams({
    ...(auth.ticket ? { ticket: auth.ticket } : {}),
    ...(filename ? { filename } : {}),
  });
  return call(`/api/conversations/${conversationId}/attachments?${query}`, {
    method: "POST",
    token: auth.token,
    body,
    headers: { "Content-Type": "application/octet-stream" },
  });
};

async function uploaded(
  conversationId: string,
  body: Uint8Array,
  auth: { token?: string; ticket?: string },
  filename?: string,
) {
  const response = await upload(conversationId, body, auth, filename);
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${text}`);
  return JSON.parse(text) as Attachment;
}

describe("attachments", () => {
  it("staff send an image in a message and the visitor downloads it with their ticket", async () => {
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    const png = pngBytes();
    const file = await uploaded(
      chat.conversationId,
      png,
      { token: tenant.accessToken },
      "../../photo of damage.png",
    );
    expect(file).toMatchObject({
      contentType: "image/png",
      sizeBytes: png.byteLength,
      filename: "photo of damage.png",
    });
    const ack = await callJson<{ message: { metadata: Record<string, unknown> } }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken, json: { text: "Here is the photo", attachmentIds: [file.id] } },
      201,
    );
    const ref = { id: file.id, filename: file.filename, contentType: "image/png", sizeBytes: png.byteLength };
    expect(ack.message.metadata).toEqual({ attachments: [ref] });
    const live = await chat.socket.next((f) => f.type === "message" && f.text === "Here is the photo");
    expect(live.metadata).toEqual({ attachments: [ref] });

    const download = await call(`${file.url}?ticket=${chat.ticket}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("Content-Disposition")).toBe(
      `inline; filename="photo of damage.png"; filename*=UTF-8''photo%20of%20damage.png`,
    );
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
  }, 30_000);

  it("a visitor uploads a PDF with their ticket and sends it over the socket; staff download it as a file", async () => {
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    const pdf = await textPdf([{ paragraphs: ["Invoice 42"] }]);
    const file = await uploaded(chat.conversationId, pdf, { ticket: chat.ticket }, "invoice.pdf");
    expect(file.contentType).toBe("application/pdf");
    chat.socket.send({ type: "message", clientId: "c1", text: "my invoice", attachmentIds: [file.id] });
    await chat.socket.next((f) => f.type === "ack" && f.clientId === "c1");
    const messages = await callJson<{ data: { text: string; metadata: Record<string, unknown> }[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(messages.data.find((m) => m.text === "my invoice")?.metadata).toMatchObject({
      attachments: [{ id: file.id, contentType: "application/pdf" }],
    });
    const download = await call(file.url, { token: tenant.accessToken });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment; filename="invoice.pdf"/);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);
  });

  it("refuses other types, empty and oversized files, and attachments of another conversation", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant);
    const other = await createConversation(tenant);
    const text = new TextEncoder().encode("plain text is not an attachment");
    expect((await upload(conversation.id, text, { token })).status).toBe(415);
    expect((await upload(conversation.id, docx([{ text: "hi" }]), { token })).status).toBe(415);
    expect((await upload(conversation.id, new Uint8Array(0), { token })).status).toBe(400);
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(pngBytes());
    expect((await upload(conversation.id, big, { token })).status).toBe(413);
    const elsewhere = await uploaded(other.id, pngBytes(), { token });
    for (const attachmentIds of [[elsewhere.id], [crypto.randomUUID()]]) {
      const response = await call(`/api/conversations/${conversation.id}/messages`, {
        token,
        json: { text: "look", attachmentIds },
      });
      expect(response.status).toBe(404);
    }
  });

  it("lets only participants download: the tenant's staff, or the visitor of that conversation", async () => {
    const tenant = await registerTenant();
    const mine = await visitor(tenant);
    const someoneElse = await visitor(tenant);
    const file = await uploaded(mine.conversationId, pngBytes(), { ticket: mine.ticket });
    expect((await call(file.url)).status).toBe(401);
    expect((await call(`${file.url}?ticket=${someoneElse.ticket}`)).status).toBe(404);
    expect((await call(`${file.url}?ticket=not-a-ticket`)).status).toBe(401);
    // A ticket is for one conversation: it uploads nowhere else.
    expect((await upload(someoneElse.conversationId, pngBytes(), { ticket: mine.ticket })).status).toBe(403);
    const stranger = await registerTenant();
    expect((await call(file.url, { token: stranger.accessToken })).status).toBe(404);
    expect((await call(file.url, { token: tenant.accessToken })).status).toBe(200);
  });

  it("deletes the stored files with their conversation", async () => {
    const tenant = await registerTenant();
    const conversation = await createConversation(tenant);
    const file = await uploaded(conversation.id, pngBytes(), { token: tenant.accessToken });
    const prefix = `${tenant.tenant.id}/attachments/${conversation.id}/`;
    const stored = async () =>
      (await env.DOCUMENTS_BUCKET.list({ prefix: `${env.STORAGE_PREFIX ?? ""}${prefix}` })).objects;
    expect(await stored()).toHaveLength(1);
    expect(
      (await call(`/api/conversations/${conversation.id}`, { method: "DELETE", token: tenant.accessToken }))
        .status,
    ).toBe(204);
    expect(await stored()).toHaveLength(0);
    expect((await call(file.url, { token: tenant.accessToken })).status).toBe(404);
  });
});
