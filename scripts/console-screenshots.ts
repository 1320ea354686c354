// `npm run screenshots:console`: the console's main screens as PNGs in docs/console/, against the
// running app (`wrangler dev`, throwaway Postgres) with a small demo tenant, so docs/console.md can be
// refreshed after a change to the console.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { cleanMotorDocs, withNcb } from "../test/support/policy-corpus/clean.ts";
import { corpusPdf } from "../test/support/policy-corpus/pdf.ts";
import { spawnAppStack } from "./lib/app-stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "docs", "console");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function call<T>(url: string, token: string | null, body?: unknown, method?: string): Promise<T> {
  const response = await fetch(url, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

mkdirSync(out, { recursive: true });
const stack = await spawnAppStack();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
try {
  const email = `demo-${Date.now()}@example.test`;
  const password = "demo password 1";
  const { accessToken } = await call<{ accessToken: string }>(`${stack.url}/api/auth/register`, null, {
    tenantName: "Acme Outdoor",
    name: "Dana Support",
    email,
    password,
  });
  // Three visitors write through the widget's own session API and socket.
  const origin = "https://shop.example.test";
  const { publicKey } = await call<{ publicKey: string }>(`${stack.url}/api/widget-keys`, accessToken, {
    name: "Shop",
    allowedOrigins: [origin],
  });
  for (const text of [
    "Hi! Do you ship tents to Norway?",
    "My stove arrived with a bent leg, what can I do?",
    "Can I change the size of my sleeping bag order?",
  ]) {
    const response = await fetch(`${stack.url}/api/widget/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ widgetKey: publicKey }),
    });
    const session = (await response.json()) as { ticket: { url: string } };
    const socket = new WebSocket(`${stack.url.replace("http", "ws")}${session.ticket.url}`);
    await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
    socket.send(JSON.stringify({ type: "message", clientId: crypto.randomUUID(), text }));
    await new Promise((resolve) => socket.addEventListener("message", resolve, { once: true }));
    socket.close();
  }
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
  await page.goto(`${stack.url}/app/`);
  await page.screenshot({ path: join(out, "sign-in.png") });
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".inbox-list .row").nth(2).waitFor();
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
  await page.screenshot({ path: join(out, "inbox.png") });
  await page.locator(".inbox-list .row").last().click();
  await page.getByRole("list", { name: "Messages" }).getByText("ship tents to Norway").waitFor();
  await page.getByLabel("Reply").fill("Hello! Yes, we ship to Norway in 3–5 days.");
  await page.keyboard.press("Enter");
  await page.getByRole("list", { name: "Messages" }).getByText("we ship to Norway").waitFor();
  await page.screenshot({ path: join(out, "conversation.png") });
  await page.getByRole("link", { name: "Knowledge" }).click();
  await page.getByRole("heading", { name: "Knowledge" }).waitFor();
  await page.screenshot({ path: join(out, "knowledge.png") });
  await page.getByRole("link", { name: "Team and settings" }).click();
  await page.getByRole("heading", { name: "Team and settings" }).waitFor();
  await page.getByRole("table", { name: "Team" }).getByText("Dana Support").waitFor();
  await page.screenshot({ path: join(out, "settings.png"), fullPage: true });
  // Policies: two schedules from the test corpus, one printing an NCB off the slabs (it needs review).
  const [clean, doubtful] = cleanMotorDocs(2);
  if (!clean || !doubtful) throw new Error("no corpus schedules");
  for (const [name, runs, rep] of [
    ["clean.pdf", clean.runs, "Asha"],
    ["doubtful.pdf", withNcb(doubtful, 30), "Ravi"],
  ] as const) {
    const form = new FormData();
    form.set("file", new File([Buffer.from(await corpusPdf(runs))], name, { type: "application/pdf" }));
    form.set("manualExtras", JSON.stringify({ callerName: rep, branch: "Pune" }));
    const response = await fetch(`${stack.url}/api/upload/pdf`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}` },
      body: form,
    });
    if (response.status !== 202)
      throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
  }
  await page.getByRole("link", { name: "Policies" }).click();
  const queue = page.getByRole("table", { name: "Review queue" });
  await queue.getByRole("button", { name: "Review" }).first().waitFor({ timeout: 60_000 });
  await queue.getByRole("button", { name: "Review" }).first().click();
  await page.locator('.policy-pdf[data-state="ready"]').waitFor({ timeout: 60_000 });
  // The section scrolls inside the window: a tall window shows the uploads, the queue and the review.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.locator(".policy-review").evaluate((review) => review.scrollIntoView({ block: "end" }));
  await page.screenshot({ path: join(out, "policies.png") });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await stack.stop();
}
