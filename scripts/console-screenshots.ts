// `npm run screenshots:console`: the console's main screens as PNGs in docs/console/, against the
// running app (`wrangler dev`, throwaway Postgres) with a small demo tenant, so docs/console.md can be
// refreshed after a change to the console.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
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
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await stack.stop();
}
