// `npm run screenshots:console`: the console's main screens as PNGs in docs/console/, against the
// running app (`wrangler dev`, throwaway Postgres) with a small demo tenant, so docs/console.md can be
// refreshed after a change to the console.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { startFakeServices } from "../test/support/node/fake-services.ts";
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

/** Makes the window as tall as the section's own scrolling content, so one screenshot shows it all. */
async function fitPage(page: Page) {
  const height = await page.evaluate("document.querySelector('.page').scrollHeight + 120");
  await page.setViewportSize({ width: 1280, height: Math.min(Number(height), 4000) });
}

mkdirSync(out, { recursive: true });
// The agent's model and the Telegram bot are the test suite's local fakes (no real accounts needed).
const fakes = await startFakeServices();
const stack = await spawnAppStack({ vars: { TELEGRAM_API_BASE: `${fakes.url}/telegram` } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
try {
  const email = `demo-${Date.now()}@example.test`;
  const password = "demo password 1";
  const { accessToken, user } = await call<{ accessToken: string; user: { id: string } }>(
    `${stack.url}/api/auth/register`,
    null,
    {
      tenantName: "Acme Outdoor",
      name: "Dana Support",
      email,
      password,
    },
  );
  // Three visitors write through the widget's own session API and socket.
  const origin = "https://shop.example.test";
  const { id: widgetKeyId, publicKey } = await call<{ id: string; publicKey: string }>(
    `${stack.url}/api/widget-keys`,
    accessToken,
    {
      name: "Shop",
      allowedOrigins: [origin],
    },
  );
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
  // A label, a canned response and the Norway visitor's contact details, for the conversation screen.
  const label = await call<{ id: string }>(`${stack.url}/api/labels`, accessToken, {
    name: "shipping",
    color: "#0b5cad",
  });
  await call(`${stack.url}/api/canned-responses`, accessToken, {
    shortCode: "norway",
    text: "Hello {{contact.name}}! Yes, we ship to Norway in 3–5 days. — {{agent.name}}",
  });
  // The rooms copy their messages to Postgres a moment later: wait for the Norway one's preview.
  type Row = { id: string; contactId: string | null; lastMessagePreview: string | null };
  let norway: Row | undefined;
  for (let tries = 0; !norway && tries < 100; tries += 1) {
    const list = await call<{ data: Row[] }>(`${stack.url}/api/conversations?limit=10`, accessToken);
    norway = list.data.find((c) => c.lastMessagePreview?.includes("Norway"));
    if (!norway) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!norway?.contactId) throw new Error("the Norway conversation has no contact");
  await call(`${stack.url}/api/conversations/${norway.id}/labels/${label.id}`, accessToken, {});
  await call(
    `${stack.url}/api/contacts/${norway.contactId}`,
    accessToken,
    { name: "Ola", email: "ola@example.no", customAttributes: { plan: "Gold", country: "NO" } },
    "PUT",
  );
  // A team and a webhook for the settings screen; the first conversation resolved for the dashboard.
  await call(`${stack.url}/api/teams`, accessToken, {
    name: "Tier 1",
    autoAssign: true,
    maxOpenPerAgent: 5,
    memberIds: [user.id],
  });
  await call(`${stack.url}/api/webhooks`, accessToken, {
    url: "https://crm.example.com/hooks/switchboard",
    events: ["conversation.created", "conversation.status_changed"],
    description: "CRM sync",
  });
  const { data: open } = await call<{ data: { id: string }[] }>(
    `${stack.url}/api/conversations`,
    accessToken,
  );
  if (open[0]) {
    await call(
      `${stack.url}/api/conversations/${open[0].id}/assign`,
      accessToken,
      { assigneeId: user.id },
      "PUT",
    );
    await call(`${stack.url}/api/conversations/${open[0].id}/resolve`, accessToken, {});
  }
  // The status change is delivered (or fails) soon after: wait until the log has it.
  const { data: hooks } = await call<{ data: { id: string }[] }>(`${stack.url}/api/webhooks`, accessToken);
  for (let tries = 0; tries < 50; tries++) {
    const log = await call<{ data: unknown[] }>(
      `${stack.url}/api/webhooks/${hooks[0]?.id}/deliveries`,
      accessToken,
    );
    if (log.data.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
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
  await page.locator(`[id="row-${norway.id}"]`).click();
  const messages = page.getByRole("list", { name: "Messages" });
  await messages.getByText("ship tents to Norway").waitFor();
  await page.getByLabel("Private note").check();
  await page.getByLabel("Reply").fill("Gold customer: offer free shipping.");
  await page.keyboard.press("Enter");
  await messages.getByText("offer free shipping").waitFor();
  await page.getByLabel("Private note").uncheck();
  await page.getByLabel("Reply").fill("/nor");
  await page.getByRole("option", { name: /\/norway/ }).waitFor();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await messages.getByText("we ship to Norway").waitFor();
  await page.getByRole("complementary", { name: "Contact" }).getByText("Gold").waitFor();
  await page.locator("section.conversation header").getByText("With a human").waitFor();
  await page.screenshot({ path: join(out, "conversation.png") });
  await page.getByRole("searchbox", { name: "Search conversations" }).fill("stove");
  await page.locator(".inbox-list mark").first().waitFor();
  await page.screenshot({ path: join(out, "search.png") });
  await page.getByRole("searchbox", { name: "Search conversations" }).fill("");
  await page.getByRole("link", { name: "Knowledge" }).click();
  await page.getByRole("heading", { name: "Knowledge" }).waitFor();
  await page.screenshot({ path: join(out, "knowledge.png") });
  await page.getByRole("link", { name: "Team and settings" }).click();
  await page.getByRole("heading", { name: "Team and settings" }).waitFor();
  await page.getByRole("table", { name: "Team" }).getByText("Dana Support").waitFor();
  await page.screenshot({ path: join(out, "settings.png"), fullPage: true });

  // Agents: an agent on the fake model, its test chat answering from an uploaded document.
  const form = new FormData();
  form.set("file", new Blob(["Shipping\n\nWe ship tents to Norway in 3 to 5 working days."]), "shipping.txt");
  form.set("collection", "Help centre");
  const upload = await fetch(`${stack.url}/api/documents`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}` },
    body: form,
  });
  const { document } = (await upload.json()) as { document: { id: string } };
  while (
    (await call<{ status: string }>(`${stack.url}/api/documents/${document.id}`, accessToken)).status !==
    "ready"
  )
    await new Promise((resolve) => setTimeout(resolve, 200));
  const model = "demo-model";
  await fetch(`${fakes.url}/_test/openai/script`, {
    method: "POST",
    body: JSON.stringify({
      model,
      responses: [{ type: "text", chunks: ["Yes! Tents reach Norway in 3 to 5 working days."] }],
    }),
  });
  await call(`${stack.url}/api/agents`, accessToken, {
    name: "Shop assistant",
    systemPrompt: "You are Acme Outdoor's friendly shop assistant. Answer from the help centre.",
    greeting: "Hi! How can I help with your order?",
    model: { provider: "custom", baseUrl: `${fakes.url}/openai/v1`, model },
    collections: ["Help centre"],
    businessHours: {
      timezone: "Europe/Oslo",
      weekly: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] },
    },
  });
  await page.getByRole("link", { name: "Agents" }).click();
  await page.getByRole("button", { name: "Shop assistant" }).click();
  await page.getByLabel("Ask the agent something").fill("Do you ship tents to Norway?");
  await page.keyboard.press("Enter");
  await page.getByRole("list", { name: "Test answers" }).getByText("3 to 5 working days").first().waitFor();
  await fitPage(page);
  await page.screenshot({ path: join(out, "agents.png") });

  // Channels and widget: a Telegram bot (on the fake Bot API) with its checklist.
  await call(`${stack.url}/api/channels`, accessToken, {
    type: "telegram",
    name: "Acme support bot",
    config: { botToken: "123456789:AAE-demo-bot-token-0123456789" },
  });
  await call(
    `${stack.url}/api/widget-keys/${widgetKeyId}`,
    accessToken,
    { settings: { title: "Acme help", theme: { color: "#1f7a4d", launcherText: "Chat" } } },
    "PUT",
  );
  await page.getByRole("link", { name: "Channels and widget" }).click();
  await page.getByRole("button", { name: "Run the test checklist" }).click();
  await page.getByRole("list", { name: "Test checklist" }).waitFor();
  await fitPage(page);
  await page.screenshot({ path: join(out, "channels.png") });
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await phone.goto(`${stack.url}/app/channels`);
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill(password);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await phone.getByRole("heading", { name: "Acme support bot" }).waitFor();
  await phone.locator(".widget-preview").scrollIntoViewIfNeeded();
  await phone.screenshot({ path: join(out, "channels-phone.png") });
  const invitePage = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
  await invitePage.goto(`${stack.url}/app/accept-invite?token=demo`);
  await invitePage.getByRole("heading", { level: 1 }).waitFor();
  await invitePage.screenshot({ path: join(out, "accept-invite.png") });
  await page.getByRole("link", { name: "Team and settings" }).click();
  await page.getByRole("tab", { name: "Teams" }).click();
  await page.getByRole("listitem", { name: "Tier 1" }).waitFor();
  await page.screenshot({ path: join(out, "settings-teams.png") });
  await page.getByRole("tab", { name: "Outbound webhooks" }).click();
  await page.getByRole("button", { name: "Delivery log" }).click();
  await page.getByRole("table", { name: /^Delivery log/ }).waitFor();
  await page.screenshot({ path: join(out, "settings-webhooks.png") });
  await page.getByRole("tab", { name: "AI settings and budget" }).click();
  await page.getByRole("form", { name: "AI settings and budget" }).waitFor();
  await page.screenshot({ path: join(out, "settings-ai.png") });
  await page.getByRole("link", { name: "Dashboards" }).click();
  await page.locator(".dash-grid svg[role=img]").first().waitFor();
  await page.locator(".kpi-value").first().waitFor();
  // The page scrolls inside the console's frame: a tall window shows the whole dashboard.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: join(out, "dashboards.png") });
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.getByRole("button", { name: "Arrange" }).click();
  await page
    .getByRole("button", { name: /^Move or resize/ })
    .first()
    .focus();
  await page.screenshot({ path: join(out, "dashboards-arrange.png") });
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(out, "dashboards-phone.png") });
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
  await fakes.close();
}
