// The embeddable widget in headless Chromium against the running app (`wrangler dev`, real Postgres):
// a page on another origin embeds /widget.js; the visitor chats with a staff client over real WebSockets,
// survives a real network failure, and ends up showing every message exactly once, in order.
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type CuttableProxy, startCuttableProxy } from "../../scripts/lib/cuttable-proxy.ts";
import { markedPng, textPdf } from "../support/files";
import { type Frame, joinRoom, registerStaff, type Staff } from "./support/staff";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  ...["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  ...["--disable-background-networking", "--disable-component-update", "--disable-sync"],
];
const PAGE = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "fixtures", "widget-page.html"),
  "utf8",
);

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
let proxy: CuttableProxy;
let pageServer: Server;
let pageOrigin: string;
let launching: Promise<Browser> | undefined;
let browser: Browser;
let staff: Staff;
let widgetKey: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser tests need it. Install Debian's package ` +
        "(apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH.",
    );
  }
  // The page reaches the API through a proxy the test can break like a real network.
  proxy = await startCuttableProxy(appUrl);
  pageServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://page");
    if (url.pathname !== "/") return void res.writeHead(404).end();
    const key = url.searchParams.get("key") ?? widgetKey;
    // ?attrs={"data-user-id":"…"} adds attributes to the widget's script tag (escaped for HTML).
    const attrs = Object.entries(JSON.parse(url.searchParams.get("attrs") ?? "{}") as Record<string, string>)
      .map(
        ([name, value]) =>
          ` ${name.replace(/[^a-z-]/g, "")}="${value.replace(/[&"<]/g, (c) => `&#${c.charCodeAt(0)};`)}"`,
      )
      .join("");
    const html = PAGE.replace("{{API}}", proxy.url)
      .replace("{{WIDGET_KEY}}", key)
      .replace(" async></script>", `${attrs} async></script>`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  const address = pageServer.address();
  if (address === null || typeof address === "string") throw new Error("page server has no port");
  pageOrigin = `http://127.0.0.1:${address.port}`;

  launching = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  staff = await registerStaff(appUrl);
  ({ publicKey: widgetKey } = await staff.call<{ publicKey: string }>(
    "/api/widget-keys",
    { json: { name: "E2E site", allowedOrigins: [pageOrigin] } },
    201,
  ));
  browser = await launching;
});

afterAll(async () => {
  await (await launching?.catch(() => undefined))?.close();
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
  await proxy?.close();
});

/** A fresh visitor (own storage) on the embedding page (with another widget key if given). */
async function visit(
  key?: string,
  opts: { attrs?: Record<string, string>; setup?: (context: BrowserContext) => Promise<void> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 900, height: 700 },
    reducedMotion: "reduce",
  });
  await opts.setup?.(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  const query = new URLSearchParams({
    ...(key ? { key } : {}),
    ...(opts.attrs ? { attrs: JSON.stringify(opts.attrs) } : {}),
  });
  await page.goto(`${pageOrigin}/?${query}`);
  await page.getByRole("button", { name: "Open chat" }).waitFor();
  expect(problems).toEqual([]);
  return { context, page };
}

/** The page's getComputedStyle, for evaluate() callbacks (this file is typed without the DOM library). */
interface Styled {
  getComputedStyle(el: unknown): { backgroundColor: string; left: string; transitionDuration: string };
}

interface WidgetState {
  conversationId: string | null;
  ready: boolean;
  seqs: number[];
  pending: string[];
}
const widgetState = (page: Page) =>
  page.evaluate(() =>
    (
      globalThis as unknown as { Switchboard: { widget: { state(): WidgetState } } }
    ).Switchboard.widget.state(),
  );

/** The rendered messages in DOM order. */
const renderedMessages = (page: Page) =>
  page.locator("#switchboard-widget .log li").evaluateAll((items) =>
    items.map((li) => ({
      seq: Number(li.getAttribute("data-seq")),
      text: li.querySelector(".tx")?.textContent ?? "",
    })),
  );

describe("the embeddable widget in Chromium", () => {
  it("chats with staff in real time and resumes after a network failure without loss, duplicates or reordering", async () => {
    const { context, page } = await visit();
    const bubble = page.locator("#switchboard-widget .bubble"); // Its label flips between Open/Close chat.
    await bubble.click();
    await expect.poll(() => bubble.getAttribute("aria-expanded")).toBe("true");
    const input = page.getByLabel("Your message");
    await expect
      .poll(() => input.evaluate((el) => el.getRootNode() !== el.ownerDocument && el.matches(":focus")))
      .toBe(true);
    await page.getByRole("status").filter({ hasText: "We're away right now" }).waitFor();
    // Opening the chat creates no conversation: the inbox does not fill with empty ones.
    expect((await widgetState(page)).conversationId).toBeNull();
    const before = await staff.call<{ data: unknown[] }>("/api/conversations?limit=100", {}, 200);

    // Visitor → staff: the first message creates the conversation.
    await input.fill("Hello, do you ship to Norway?");
    await page.keyboard.press("Enter");
    await expect
      .poll(async () => (await widgetState(page)).conversationId, { timeout: 10_000 })
      .not.toBeNull();
    const { conversationId } = await widgetState(page);
    if (!conversationId) throw new Error("the widget has no conversation");
    const after = await staff.call<{ data: unknown[] }>("/api/conversations?limit=100", {}, 200);
    expect(after.data.length).toBe(before.data.length + 1);
    const room = await joinRoom(appUrl, staff, conversationId);
    const hello = await room.next((f) => f.type === "message");
    expect(hello).toMatchObject({
      seq: 1,
      text: "Hello, do you ship to Norway?",
      sender: { kind: "visitor" },
    });

    // Staff → visitor, with a typing indicator first.
    room.send({ type: "typing", on: true });
    await page.getByText("Agent is typing…").waitFor();
    room.send({ type: "message", clientId: "staff-1", text: "We do! Delivery takes 3–5 days." });
    await page.locator('#switchboard-widget li[data-seq="2"]', { hasText: "We do!" }).waitFor();
    await expect.poll(() => page.getByText("Agent is typing…").count()).toBe(0);

    // The visitor's typing reaches staff.
    await input.pressSequentially("Great, and returns?");
    await room.next((f) => f.type === "typing" && f.on === true);

    // The network fails: first it silently swallows what the server sends, then every connection dies
    // and new ones are refused. Meanwhile the visitor writes and staff keeps replying.
    proxy.mute();
    await page.keyboard.press("Enter");
    const intoTheVoid = await room.next((f) => f.type === "message" && f.text === "Great, and returns?");
    expect(intoTheVoid.seq).toBe(3); // Stored and broadcast, but its ack never reaches the page.
    proxy.cut();
    const staffTexts = ["Returns are free.", "Within 30 days.", "Anything else?"];
    for (const [n, text] of staffTexts.entries())
      room.send({ type: "message", clientId: `staff-offline-${n}`, text });
    await staff.call(
      `/api/conversations/${conversationId}/messages`,
      { json: { clientId: "staff-rest", text: "(via REST)" } },
      201,
    );
    await input.fill("Typed while offline");
    await page.keyboard.press("Enter");
    await proxy.refused(1); // The widget tried to reconnect and failed at least once.
    expect((await widgetState(page)).pending).toHaveLength(2);
    proxy.restore();

    // Back online: one replay from the last seq it rendered, then the unsent message goes out.
    const expectedTexts = [
      "Hello, do you ship to Norway?",
      "We do! Delivery takes 3–5 days.",
      "Great, and returns?",
      ...staffTexts,
      "(via REST)",
      "Typed while offline",
    ];
    await expect
      .poll(
        async () => {
          const state = await widgetState(page);
          return { ready: state.ready, pending: state.pending.length, count: state.seqs.length };
        },
        { timeout: 15_000 },
      )
      .toEqual({ ready: true, pending: 0, count: expectedTexts.length });

    const rendered = await renderedMessages(page);
    expect(rendered.map((m) => m.seq)).toEqual(expectedTexts.map((_, i) => i + 1));
    expect(rendered.map((m) => m.text)).toEqual(expectedTexts);
    expect(await page.locator("#switchboard-widget [data-pending]").count()).toBe(0);

    // The server agrees: every message once, the offline one included (sent once, never duplicated).
    const history = await staff.call<{ data: { seq: number; text: string }[] }>(
      `/api/conversations/${conversationId}/messages?after=0&limit=100`,
      {},
      200,
    );
    expect(history.data.map((m) => m.text)).toEqual(expectedTexts);
    await room.next((f) => f.type === "message" && f.seq === expectedTexts.length);
    const delivered = room.frames
      .filter((f): f is Frame & { seq: number } => f.type === "message")
      .map((f) => f.seq);
    expect(delivered).toEqual(expectedTexts.map((_, i) => i + 1));

    await page.screenshot({ path: "/tmp/widget.png" });

    // Keyboard: Escape closes the panel and gives focus back to the bubble.
    await page.keyboard.press("Escape");
    await expect.poll(() => bubble.getAttribute("aria-expanded")).toBe("false");
    expect(await bubble.evaluate((el) => el.matches(":focus"))).toBe(true);
    room.close();
    await context.close();
  });

  it("shows the assistant's reply and hands the conversation to a person from its button", async () => {
    const agent = await staff.call<{ id: string }>("/api/agents", { json: { name: "Helper" } }, 201);
    const { publicKey } = await staff.call<{ publicKey: string }>(
      "/api/widget-keys",
      { json: { name: "E2E site with an agent", allowedOrigins: [pageOrigin], agentId: agent.id } },
      201,
    );
    const { context, page } = await visit(publicKey);
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByLabel("Your message").fill("What is the warranty on the Trailblazer tent?");
    await page.keyboard.press("Enter");
    const handoff = page.getByRole("button", { name: "Talk to a person" });
    await handoff.waitFor(); // Offered while the assistant answers.
    // No model configured: retrieval mode answers (here: it knows nothing yet and says so).
    const reply = page.locator('#switchboard-widget .log li[data-seq="2"]');
    await reply.waitFor();
    expect(await reply.locator("b").textContent()).toBe("Assistant");

    await handoff.click();
    await page.getByRole("status").filter({ hasText: "Waiting for a person…" }).waitFor();
    expect(await handoff.isHidden()).toBe(true);
    const { conversationId } = await widgetState(page);
    // Postgres gets the room's status change with the next outbox flush.
    const statusInPostgres = async () =>
      (await staff.call<{ status: string }>(`/api/conversations/${conversationId}`, {}, 200)).status;
    await expect.poll(statusInPostgres, { timeout: 5_000 }).toBe("pending_human");
    const rendered = await renderedMessages(page);
    expect(rendered.map((m) => m.seq)).toEqual(rendered.map((_, i) => i + 1));
    await context.close();
  });

  it("streams the assistant's reply into the page, then shows the stored message once", async () => {
    // Own tenant: its AI talks to the fake OpenAI-compatible model, which holds the reply half-way.
    const owner = await registerStaff(appUrl);
    const model = `fake-model-${crypto.randomUUID().slice(0, 8)}`;
    const defaultModel = {
      provider: "custom",
      baseUrl: `${fakes}/openai/v1`,
      model,
      temperature: 0.2,
      maxTokens: 300,
    };
    await owner.call(
      "/api/ai/config",
      { method: "PUT", json: { providerApiKey: "sk-e2e", defaultModel } },
      200,
    );
    const chunks = ["The Trailblazer ", "has a five-year ", "warranty."];
    await fetch(`${fakes}/_test/openai/script`, {
      method: "POST",
      body: JSON.stringify({ model, responses: [{ type: "gate", chunks, pauseAfter: 2 }] }),
    });
    const agent = await owner.call<{ id: string }>("/api/agents", { json: { name: "Writer" } }, 201);
    const { publicKey } = await owner.call<{ publicKey: string }>(
      "/api/widget-keys",
      { json: { name: "E2E streaming", allowedOrigins: [pageOrigin], agentId: agent.id } },
      201,
    );
    const { context, page } = await visit(publicKey);
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByLabel("Your message").fill("Warranty on the Trailblazer?");
    await page.keyboard.press("Enter");

    // Half the reply is on screen while the model still writes; it is not a stored message yet.
    const preview = page.locator("#switchboard-widget .sending li", {
      hasText: "The Trailblazer has a five-year",
    });
    await preview.waitFor();
    await fetch(`${fakes}/_test/openai/release`, { method: "POST", body: JSON.stringify({ model }) });
    const stored = page.locator('#switchboard-widget .log li[data-seq="2"]');
    await stored.waitFor();
    expect(await stored.locator(".tx").textContent()).toBe(chunks.join(""));
    await preview.waitFor({ state: "detached" });
    expect(await page.locator("#switchboard-widget .sending li").count()).toBe(0);
    await context.close();
  });

  it("themes itself, asks who the visitor is, verifies identity, renders safe markdown, citations and the CSAT question", async () => {
    const settings = {
      title: "Bike help",
      preChatForm: { enabled: true, requireEmail: true },
      theme: { color: "#0a7d39", position: "left", launcherText: "Questions?" },
      strings: { placeholder: "Schreiben Sie…" },
      replyTimeHours: 3,
      citationUrl: "https://docs.shop.test/{documentId}#page={page}",
    };
    const key = await staff.call<{ publicKey: string; identitySecret: string }>(
      "/api/widget-keys",
      { json: { name: "E2E themed", allowedOrigins: [pageOrigin], settings } },
      201,
    );
    const userHash = createHmac("sha256", key.identitySecret).update("user-42").digest("hex");
    // The test stands between the page and the room: it can add frames the server would send.
    let toPage: ((frame: Record<string, unknown>) => void) | undefined;
    const { context, page } = await visit(key.publicKey, {
      attrs: { "data-user-id": "user-42", "data-user-hash": userHash, "data-text-send": "Senden" },
      setup: (ctx) =>
        ctx.routeWebSocket(/\/ws\?/, (ws) => {
          ws.connectToServer(); // Frames pass both ways untouched.
          toPage = (frame) => ws.send(JSON.stringify(frame));
        }),
    });
    const bubble = page.locator("#switchboard-widget .bubble");
    await page.locator("#switchboard-widget .bubble .lt", { hasText: "Questions?" }).waitFor();
    const look = await bubble.evaluate((el) => {
      const style = (globalThis as unknown as Styled).getComputedStyle(el);
      return { background: style.backgroundColor, left: style.left };
    });
    expect(look).toEqual({ background: "rgb(10, 125, 57)", left: "20px" });

    // Keyboard only: focus the launcher and open it with Enter.
    await bubble.focus();
    await page.keyboard.press("Enter");
    // The page's data-title wins over the key's title.
    await page.getByRole("heading", { name: "Acme support" }).waitFor();
    await page.getByRole("status").filter({ hasText: "We reply in about 3 hours" }).waitFor();
    expect(
      await page
        .locator("#switchboard-widget .panel")
        .evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).transitionDuration),
    ).toBe("0s");
    // The pre-chat form comes first, focused; nothing is created yet.
    const name = page.getByLabel("Name");
    await expect.poll(() => name.evaluate((el) => el.matches(":focus"))).toBe(true);
    await name.fill("Ada Lovelace");
    await page.getByLabel("Email").fill("ada@example.test");
    await page.getByRole("button", { name: "Start chat" }).click();
    expect((await widgetState(page)).conversationId).toBeNull();
    const input = page.getByLabel("Your message");
    expect(await input.getAttribute("placeholder")).toBe("Schreiben Sie…");
    await input.fill("Hi, my wheel arrived bent");
    await page.getByRole("button", { name: "Senden" }).click();
    await expect
      .poll(async () => (await widgetState(page)).conversationId, { timeout: 10_000 })
      .not.toBeNull();
    const { conversationId } = await widgetState(page);
    const conversation = await staff.call<{ customerUserId: string; metadata: Record<string, string> }>(
      `/api/conversations/${conversationId}`,
      {},
      200,
    );
    expect(conversation.customerUserId).toBe("user-42");
    expect(conversation.metadata).toMatchObject({ name: "Ada Lovelace", email: "ada@example.test" });

    // Staff writes markdown with a hostile tag: formatting and the link work, the tag is only text.
    const room = await joinRoom(appUrl, staff, conversationId ?? "");
    room.send({
      type: "message",
      clientId: "md-1",
      text: "**Sorry!** _We_ fix it: `RMA-7` <img src=x onerror=alert(1)>\n- photo\n- send to https://shop.test/rma?a=1&b=2.",
    });
    const reply = page.locator('#switchboard-widget li[data-seq="2"]');
    await reply.waitFor();
    // Labelled with the staff member's display name (registered as "Staff"), not just "Agent".
    await reply.locator("b", { hasText: "Staff" }).waitFor();
    const rendered = await reply.evaluate((li) => ({
      strong: li.querySelector("strong")?.textContent,
      em: li.querySelector("em")?.textContent,
      code: li.querySelector("code")?.textContent,
      items: li.querySelectorAll(".tx li").length,
      img: li.querySelectorAll("img").length,
      link: [li.querySelector("a")?.getAttribute("href"), li.querySelector("a")?.getAttribute("rel")],
      text: li.querySelector(".tx")?.textContent,
      time: li.querySelector("time")?.getAttribute("datetime"),
    }));
    expect(rendered).toMatchObject({ strong: "Sorry!", em: "We", code: "RMA-7", items: 2, img: 0 });
    expect(rendered.link).toEqual(["https://shop.test/rma?a=1&b=2", "noopener noreferrer nofollow"]);
    expect(rendered.text).toContain("<img src=x onerror=alert(1)>");
    expect(Number.isNaN(Date.parse(rendered.time ?? ""))).toBe(false);

    // An AI answer with citations: each links to the cited page, as the key allows.
    const documentId = crypto.randomUUID();
    toPage?.({
      type: "message",
      seq: 3,
      id: crypto.randomUUID(),
      sender: { kind: "ai", id: "ai" },
      text: "Send us photos within 14 days.",
      createdAt: new Date().toISOString(),
      metadata: { citations: [{ documentId, title: "Warranty", page: 2 }] },
    });
    const cite = page.locator('#switchboard-widget li[data-seq="3"] .cites a');
    await cite.waitFor();
    expect(await cite.textContent()).toBe("Warranty, page 2");
    expect(await cite.getAttribute("href")).toBe(`https://docs.shop.test/${documentId}#page=2`);

    // Like/dislike on the AI answer goes to the visitor feedback endpoint (tested against the API in
    // test/features/widget/widget.test.ts; this message exists only in the page, so the API says 404).
    const liked = page.waitForRequest((r) => r.url().includes("/feedback") && r.method() === "POST");
    const like = page
      .locator('#switchboard-widget li[data-seq="3"]')
      .getByRole("button", { name: "Helpful", exact: true });
    await like.click();
    const likeRequest = await liked;
    expect(likeRequest.url()).toContain(`/api/widget/conversations/${conversationId}/messages/`);
    expect(likeRequest.postDataJSON()).toEqual({ rating: "like" });
    expect(await like.getAttribute("aria-pressed")).toBe("true");

    // Resolving the conversation sends the room's survey: the widget asks, and posts the answer as the
    // visitor (their visitor token) to the widget's CSAT route, which records it.
    await staff.call(`/api/conversations/${conversationId}/resolve`, { method: "POST" }, 200);
    await page.getByRole("group", { name: "How satisfied are you with the help you received?" }).waitFor();
    const answered = page.waitForResponse((r) =>
      r.url().endsWith(`/api/widget/conversations/${conversationId}/csat`),
    );
    await page.getByRole("button", { name: "5 of 5" }).click();
    const csat = await answered;
    expect(csat.status()).toBe(201);
    expect(csat.request().postDataJSON()).toMatchObject({ rating: 5 });
    room.close();
    await context.close();
  });

  it("sends the visitor's image to staff and shows staff's image and PDF, fetched with the visitor token", async () => {
    const { context, page } = await visit();
    await page.getByRole("button", { name: "Open chat" }).click();
    // The file is the first message: it creates the conversation, is uploaded, then sent.
    const photo = markedPng("bent wheel", 64, 32);
    await page
      .locator("#switchboard-widget input[type=file]")
      .setInputFiles({ name: "wheel.png", mimeType: "image/png", buffer: Buffer.from(photo) });
    await expect
      .poll(async () => (await widgetState(page)).conversationId, { timeout: 10_000 })
      .not.toBeNull();
    const { conversationId } = await widgetState(page);
    type Listed = {
      data: { text: string; metadata: { attachments?: { id: string; filename: string }[] } }[];
    };
    const listed = () => staff.call<Listed>(`/api/conversations/${conversationId}/messages`, {}, 200);
    await expect.poll(async () => (await listed()).data.length, { timeout: 10_000 }).toBe(1);
    const [sent] = (await listed()).data;
    expect(sent?.text).toBe("wheel.png");
    const ref = sent?.metadata.attachments?.[0];
    expect(ref?.filename).toBe("wheel.png");
    const auth = { authorization: `Bearer ${staff.accessToken}` };
    const got = await fetch(`${appUrl}/api/attachments/${ref?.id}`, { headers: auth });
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(photo);
    // The visitor's own image shows as a thumbnail in their message.
    const mine = page.locator('#switchboard-widget li[data-seq="1"] .files img');
    await expect
      .poll(() => mine.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(64);

    // Staff reply with an image and a PDF.
    const staffUpload = async (body: Uint8Array, filename: string) => {
      const response = await fetch(
        `${appUrl}/api/conversations/${conversationId}/attachments?filename=${filename}`,
        { method: "POST", headers: { ...auth, "content-type": "application/octet-stream" }, body },
      );
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const pdf = await textPdf([{ paragraphs: ["Return label"] }]);
    const ids = [
      await staffUpload(markedPng("label", 48, 24), "label.png"),
      await staffUpload(pdf, "label.pdf"),
    ];
    await staff.call(
      `/api/conversations/${conversationId}/messages`,
      { json: { text: "Here is your return label", attachmentIds: ids } },
      201,
    );
    const reply = page.locator('#switchboard-widget li[data-seq="2"]');
    const thumb = reply.locator(".files img");
    await expect
      .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(48);
    expect(await thumb.getAttribute("src")).toMatch(/^blob:/);
    const link = reply.getByRole("link", { name: "📄 label.pdf" });
    const fetched = page.waitForResponse((r) => r.url().endsWith(`/attachments/${ids[1]}`));
    const download = page.waitForEvent("download");
    await link.click();
    expect((await fetched).status()).toBe(200);
    expect((await download).suggestedFilename()).toBe("label.pdf");
    await context.close();
  });

  it("stays within its size budget (20 KB gzip) and has no dependencies", () => {
    const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../public/widget.js"));
    const size = gzipSync(source, { level: 9 }).length;
    process.stdout.write(`widget.js: ${source.length} bytes, ${size} bytes gzip\n`);
    expect(size).toBeLessThanOrEqual(20 * 1024);
    expect(source.toString()).not.toMatch(/\bimport\b|\brequire\(/);
  });

  it("keeps messages ordered by seq and drops duplicates, whatever order frames arrive in", async () => {
    const { context, page } = await visit();
    const result = await page.evaluate(() => {
      type Core = {
        insert(list: { seq: number }[], m: { seq: number }): number;
        resumeAfter(list: { seq: number }[]): number;
        backoff(attempt: number, random?: () => number): number;
        parse(data: string): unknown;
      };
      const core = (globalThis as unknown as { Switchboard: { core: Core } }).Switchboard.core;
      const list: { seq: number }[] = [];
      const indexes = [3, 1, 2, 3, 5, 1].map((seq) => core.insert(list, { seq }));
      return {
        indexes,
        seqs: list.map((m) => m.seq),
        resumeWithGap: core.resumeAfter(list),
        resumeEmpty: core.resumeAfter([]),
        backoffs: [0, 1, 5, 30].map((attempt) => [
          core.backoff(attempt, () => 0),
          core.backoff(attempt, () => 1),
        ]),
        parsed: [core.parse('{"type":"pong"}'), core.parse("nope"), core.parse("[1]"), core.parse("null")],
      };
    });
    expect(result.indexes).toEqual([0, 0, 1, -1, 3, -1]);
    expect(result.seqs).toEqual([1, 2, 3, 5]);
    expect(result.resumeWithGap).toBe(3); // seq 4 is missing: resume after 3 and let the replay fill it.
    expect(result.resumeEmpty).toBe(0);
    expect(result.backoffs).toEqual([
      [250, 500],
      [500, 1000],
      [8000, 16000],
      [15000, 30000],
    ]);
    expect(result.parsed).toEqual([{ type: "pong" }, null, null, null]);
    await context.close();
  });
});
