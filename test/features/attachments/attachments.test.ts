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
  const session = await callJson<{
    conversation: { id: string };
    visitorToken: string;
    ticket: { ticket: string; url: string };
  }>("/api/widget/sessions", { json: { widgetKey: key.publicKey }, headers: { Origin: origin } }, 200);
  const socket = await mustOpen(session.ticket.url);
  await socket.next(isType("ready"));
  return {
    conversationId: session.conversation.id,
    ticket: session.ticket.ticket,
    visitorToken: session.visitorToken,
    socket,
  };
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

  it("the widget uploads and downloads with the visitor token, with the staff upload's limits and type detection", async () => {
    const tenant = await registerTenant();
    const chat = await visitor(tenant);
    const other = await visitor(tenant);
    const widgetUpload = (conversationId: string, body: Uint8Array, token: string) =>
      call(`/api/widget/conversations/${conversationId}/attachments?filename=bike.png`, {
        method: "POST",
        token,
        body,
        headers: { "Content-Type": "application/octet-stream", Origin: origin },
      });
    const png = pngBytes();
    const response = await widgetUpload(chat.conversationId, png, chat.visitorToken);
    expect(response.status).toBe(201);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    const file = (await response.json()) as Attachment;
    expect(file).toMatchObject({ contentType: "image/png", filename: "bike.png", sizeBytes: png.byteLength });
    chat.socket.send({ type: "message", clientId: "w1", text: "bike.png", attachmentIds: [file.id] });
    await chat.socket.next((f) => f.type === "ack" && f.clientId === "w1");
    // Staff see it in the message and download it with their token.
    const messages = await callJson<{ data: { text: string; metadata: Record<string, unknown> }[] }>(
      `/api/conversations/${chat.conversationId}/messages`,
      { token: tenant.accessToken },
      200,
    );
    expect(messages.data.find((m) => m.text === "bike.png")?.metadata).toMatchObject({
      attachments: [{ id: file.id, contentType: "image/png" }],
    });
    expect((await call(file.url, { token: tenant.accessToken })).status).toBe(200);
    // A staff PDF downloads for the visitor with the visitor token, not for another visitor.
    const pdf = await textPdf([{ paragraphs: ["Label"] }]);
    const staffFile = await uploaded(chat.conversationId, pdf, { token: tenant.accessToken }, "label.pdf");
    const path = `/api/widget/conversations/${chat.conversationId}/attachments/${staffFile.id}`;
    const download = await call(path, { token: chat.visitorToken });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/pdf");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);
    expect((await call(path, { token: other.visitorToken })).status).toBe(404);
    expect((await call(path)).status).toBe(401);
    const elsewhere = await uploaded(other.conversationId, pngBytes(), { ticket: other.ticket });
    const crossed = `/api/widget/conversations/${chat.conversationId}/attachments/${elsewhere.id}`;
    expect((await call(crossed, { token: chat.visitorToken })).status).toBe(404);
    // Same refusals as staff uploads: another visitor's conversation, other types, too large.
    expect((await widgetUpload(other.conversationId, png, chat.visitorToken)).status).toBe(404);
    const plain = new TextEncoder().encode("not an image");
    expect((await widgetUpload(chat.conversationId, plain, chat.visitorToken)).status).toBe(415);
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(png);
    expect((await widgetUpload(chat.conversationId, big, chat.visitorToken)).status).toBe(413);
  });

  it("a signed upload URL takes one PUT of the bytes, then the attachment exists; tampered, expired or reused URLs are refused", async () => {
    const tenant = await registerTenant();
    const token = tenant.accessToken;
    const conversation = await createConversation(tenant);
    interface Signed {
      attachmentId: string;
      uploadUrl: string;
      method: string;
      maxBytes: number;
      expiresAt: string;
    }
    const sign = (json: Record<string, unknown>) =>
      callJson<Signed>(`/api/conversations/${conversation.id}/attachments/uploads`, { token, json }, 201);
    const put = (url: string, body: Uint8Array) => {
      const { pathname, search } = new URL(url);
      return call(`${pathname}${search}`, {
        method: "PUT",
        body,
        headers: { "Content-Type": "application/octet-stream" },
      });
    };
    const signed = await sign({ filename: "survey.pdf" });
    expect(signed).toMatchObject({ method: "PUT", maxBytes: 1024 * 1024 });
    expect(Date.parse(signed.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const pdf = await textPdf([{ paragraphs: ["Site survey"] }]);
    const stored = await put(signed.uploadUrl, pdf);
    expect(stored.status).toBe(201);
    const file = (await stored.json()) as Attachment;
    expect(file).toMatchObject({
      id: signed.attachmentId,
      filename: "survey.pdf",
      contentType: "application/pdf",
    });
    await callJson(
      `/api/conversations/${conversation.id}/messages`,
      { token, json: { text: "The survey", attachmentIds: [file.id] } },
      201,
    );
    const download = await call(file.url, { token });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);
    // One file per URL.
    expect((await put(signed.uploadUrl, pngBytes())).status).toBe(409);
    expect(new Uint8Array(await (await call(file.url, { token })).arrayBuffer())).toEqual(pdf);
    // Tampered: another signature, or the signature of another upload's id.
    const fresh = await sign({});
    const forged = (url: string, change: (claims: Record<string, unknown>) => void) => {
      const [head, payload, signature] = (new URL(url).searchParams.get("token") ?? "").split(".");
      const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/")));
      change(claims);
      const body = btoa(JSON.stringify(claims)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      return url.replace(/token=.*$/, `token=${head}.${body}.${signature}`);
    };
    const elsewhere = await createConversation(tenant);
    const moved = forged(fresh.uploadUrl, (claims) => {
      claims.cid = elsewhere.id;
    });
    expect((await put(moved, pngBytes())).status).toBe(401);
    const resigned = fresh.uploadUrl.replace(/.{8}$/, "AAAAAAAA");
    expect((await put(resigned, pngBytes())).status).toBe(401);
    const otherId = fresh.uploadUrl.replace(fresh.attachmentId, crypto.randomUUID());
    expect((await put(otherId, pngBytes())).status).toBe(401);
    // The same limits and type detection as a direct upload.
    expect((await put(fresh.uploadUrl, new TextEncoder().encode("text"))).status).toBe(415);
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(pngBytes());
    expect((await put(fresh.uploadUrl, big)).status).toBe(413);
    // Expired: a URL of one second, tried after it ran out.
    const brief = await sign({ expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(brief.expiresAt) - Date.now() + 1100));
    expect((await put(brief.uploadUrl, pngBytes())).status).toBe(401);
    const prolonged = forged(brief.uploadUrl, (claims) => {
      claims.exp = Number(claims.exp) + 3600;
    });
    expect((await put(prolonged, pngBytes())).status).toBe(401);
    // Only participants get URLs.
    const stranger = await registerTenant();
    const refused = await call(`/api/conversations/${conversation.id}/attachments/uploads`, {
      token: stranger.accessToken,
      json: {},
    });
    expect(refused.status).toBe(404);
  }, 30_000);

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
