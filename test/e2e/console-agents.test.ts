// The console's Agents and Channels-and-widget screens in headless Chromium against the running app
// (`wrangler dev`, real Postgres, the fake OpenAI-compatible model and the fake Telegram Bot API): an
// agent is created with a prompt and answers in the test chat with the passages it used; a Telegram bot
// is connected, its webhook URL copied and its checklist run; a widget key gets its snippet and theme.
import { randomUUID } from "node:crypto";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, signInAt } from "./support/console";
import { registerStaff, type Staff } from "./support/staff";

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

/** A signed-in console page at `path` for a fresh tenant, with its script errors collected. */
async function openConsole(
  path: string,
  opts: { viewport?: { width: number; height: number }; before?: (staff: Staff) => Promise<unknown> } = {},
): Promise<{ staff: Staff; page: Page; context: BrowserContext; problems: string[] }> {
  const staff = await registerStaff(appUrl);
  await opts.before?.(staff);
  const viewport = opts.viewport ?? { width: 1200, height: 800 };
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await signInAt(page, `${appUrl}/app${path}`, staff.email, staff.password);
  return { staff, page, context, problems };
}

/** Uploads a text document into a collection over the API and waits until it is searchable. */
async function uploadReady(staff: Staff, name: string, text: string, collection: string) {
  const form = new FormData();
  form.set("file", new Blob([text], { type: "text/plain" }), name);
  form.set("collection", collection);
  const response = await fetch(`${appUrl}/api/documents`, {
    method: "POST",
    headers: { authorization: `Bearer ${staff.accessToken}` },
    body: form,
  });
  expect(response.status).toBe(202);
  const { document } = (await response.json()) as { document: { id: string } };
  await expect
    .poll(
      async () => (await staff.call<{ status: string }>(`/api/documents/${document.id}`, {}, 200)).status,
      {
        timeout: 20_000,
      },
    )
    .toBe("ready");
}

const post = (path: string, body: unknown) =>
  fetch(`${fakes}${path}`, { method: "POST", body: JSON.stringify(body) });

describe("the console's Agents and Channels screens in Chromium", () => {
  it("creates an agent with a prompt and shows the test chat's answer, the passages it used and the tokens", async () => {
    const { staff, page, problems } = await openConsole("/agents");
    await uploadReady(
      staff,
      "returns.txt",
      "Returns policy\n\nUnused tents can be returned within 30 days for a full refund.",
      "Help centre",
    );
    const model = `agents-e2e-${randomUUID()}`;
    await post("/_test/openai/script", {
      model,
      responses: [
        {
          type: "text",
          chunks: ["Unused tents come back within 30 days."],
          usage: { prompt_tokens: 321, completion_tokens: 12 },
        },
      ],
    });

    await page.getByRole("heading", { name: "Agents", level: 2 }).waitFor();
    await expect.poll(() => page.evaluate("document.activeElement?.id")).toBe("agents-title");
    await page.getByRole("button", { name: "New agent" }).click();
    const form = page.getByRole("form", { name: "Create agent" });
    // Focus moves into the form it opened.
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("type")')).toBe("text");
    await form.getByLabel("Name", { exact: true }).fill("Returns helper");
    await form.getByLabel("Prompt (instructions for the AI)").fill("You answer questions about returns.");
    await form.getByLabel("Greeting", { exact: false }).fill("Hi! Ask me about returns.");
    await form.getByLabel("Provider").selectOption("custom");
    await form.getByLabel("Model name").fill(model);
    await form.getByLabel("Base URL (required for custom)").fill(`${fakes}/openai/v1`);
    await form.getByLabel("Help centre").check();
    await form.getByLabel("Only within business hours", { exact: false }).check();
    await form.getByLabel("Time zone").fill("Europe/Berlin");
    await form.getByLabel("Monday").fill("09:00-17:00");
    // Hours that do not read as ranges are refused in the form, saying which day.
    await form.getByLabel("Tuesday").fill("nine to five");
    await form.getByRole("button", { name: "Create agent" }).click();
    await form
      .getByRole("alert")
      .getByText("Tuesday: write hours as 09:00-17:00", { exact: false })
      .waitFor();
    await form.getByLabel("Tuesday").fill("");
    await form.getByRole("button", { name: "Create agent" }).click();

    // Saved as typed, through the public API.
    await page.getByRole("heading", { name: "Test chat" }).waitFor();
    const [agent] = (await staff.call<{ data: Record<string, unknown>[] }>("/api/agents", {}, 200)).data;
    expect(agent).toMatchObject({
      name: "Returns helper",
      systemPrompt: "You answer questions about returns.",
      greeting: "Hi! Ask me about returns.",
      model: { provider: "custom", model, baseUrl: `${fakes}/openai/v1` },
      collections: ["Help centre"],
      businessHours: { timezone: "Europe/Berlin", weekly: { mon: [["09:00", "17:00"]] } },
    });

    await page.getByLabel("Ask the agent something").fill("Can I return my tent?");
    await page.keyboard.press("Enter");
    const log = page.getByRole("list", { name: "Test answers" });
    await log.getByText("Unused tents come back within 30 days.").waitFor();
    await log
      .getByRole("list", { name: "Passages used" })
      .getByText("full refund", { exact: false })
      .waitFor();
    await log.getByText("321 prompt + 12 completion tokens", { exact: false }).waitFor();
    // The model was given the prompt typed in the form.
    const requests = (await (
      await fetch(`${fakes}/_test/openai/requests?model=${model}`)
    ).json()) as unknown[];
    expect(JSON.stringify(requests.at(-1))).toContain("You answer questions about returns.");

    // On a phone the open agent takes the whole width, with a way back to the list.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Back to the agents" }).waitFor();
    expect(
      await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
    ).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Back to the agents" }).click();
    await page.getByRole("button", { name: "Returns helper" }).waitFor();
    expect(problems).toEqual([]);
  });

  it("imports an agent's actions from an OpenAPI document, lists their operations and removes one", async () => {
    const { page, problems } = await openConsole("/agents", {
      before: (staff) => staff.call("/api/agents", { json: { name: "Orders agent" } }, 201),
    });
    await page.getByRole("button", { name: "Orders agent" }).click();
    const document = {
      openapi: "3.0.3",
      info: { title: "Orders API", version: "1" },
      servers: [{ url: "https://orders.example.com/api" }],
      paths: {
        "/orders/{id}": {
          get: { operationId: "get_order", parameters: [{ name: "id", in: "path", required: true }] },
        },
      },
    };
    const importForm = page.getByRole("form", { name: "Import actions from an OpenAPI document" });
    await importForm.getByLabel("…or paste it").fill(JSON.stringify(document));
    await importForm.getByLabel("Bearer token (optional, write-only)").fill("orders-token-1");
    await importForm.getByRole("button", { name: "Import" }).click();
    await page.getByText('Imported "Orders API" with 1 operation.').waitFor();
    const actions = page.getByRole("list", { name: "Actions" });
    await actions.getByText("GET /orders/{id}").waitFor();
    await actions.getByText("configured").waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await actions.getByRole("button", { name: "Remove Orders API" }).click();
    await page.getByText("No actions yet", { exact: false }).waitFor();
    expect(problems).toEqual([]);
  });

  it("connects a Telegram bot: shows the webhook URL to copy, runs the checklist, shows reauth_required, deletes with force", async () => {
    const { staff, page, context, problems } = await openConsole("/channels");
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appUrl });
    const token = `${Math.floor(Math.random() * 1e9)}:AAE-${randomUUID().replaceAll("-", "")}`;
    await page.getByRole("heading", { name: "Channels and widget" }).waitFor();
    // Focus on open: the screen's heading.
    await expect.poll(() => page.evaluate("document.activeElement?.id")).toBe("channels-title");

    const connect = page.getByRole("form", { name: "Connect a channel" });
    await connect.getByLabel("Type").selectOption("telegram");
    await connect.getByLabel("Name").fill("Support bot");
    await connect.getByLabel("Bot token (from @BotFather)").fill(token);
    await connect.getByRole("button", { name: "Connect" }).click();

    const card = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Support bot" }) });
    await card.getByText("configured", { exact: true }).waitFor();
    expect(await card.textContent()).not.toContain(token);
    const url = (await card.locator(".webhook code").first().textContent()) ?? "";
    expect(url).toMatch(/\/webhooks\/telegram\/[0-9a-f-]{36}$/);
    // Telegram was given exactly that URL.
    const calls = (await (await fetch(`${fakes}/_test/telegram/calls?token=${token}`)).json()) as {
      method: string;
      params: { url?: string; secret_token?: string };
    }[];
    const setWebhook = calls.filter((c) => c.method === "setWebhook").at(-1);
    expect(setWebhook?.params.url).toBe(url);
    await card.getByRole("button", { name: "Copy Webhook URL" }).click();
    await card.getByText("Copied").waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(url);

    await card.getByRole("button", { name: "Run the test checklist" }).click();
    const checklist = card.getByRole("list", { name: "Test checklist" });
    await checklist.getByText("Token valid").waitFor();
    const items = await checklist.getByRole("listitem").allTextContents();
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/Token valid: passed/);
    expect(items[1]).toMatch(/Webhook subscribed: passed/);
    expect(items[2]).toMatch(/Verified inbound message: failed/);

    // The bot's token is revoked at Telegram: the checklist says so and the channel needs new credentials.
    await post("/_test/telegram/script", { token, responses: [{ method: "getMe", status: 401, times: 5 }] });
    await card.getByRole("button", { name: "Run the test checklist" }).click();
    await card.getByText("Needs new credentials").waitFor();
    await card.getByText("The platform refused the credentials", { exact: false }).waitFor();

    // A message arrives on the channel: the conversation is open, so a plain delete is refused.
    const update = {
      update_id: Math.floor(Math.random() * 1e8),
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4242, type: "private", first_name: "Ada" },
        from: { id: 4242, is_bot: false, first_name: "Ada" },
        text: "Hello from Telegram",
      },
    };
    const delivered = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": String(setWebhook?.params.secret_token),
      },
      body: JSON.stringify(update),
    });
    expect(delivered.status).toBe(200);
    const channelId = url.split("/").at(-1);
    await expect
      .poll(
        async () =>
          (
            await staff.call<{ data: { channelId: string | null }[] }>("/api/conversations", {}, 200)
          ).data.filter((c) => c.channelId === channelId).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await card.getByRole("button", { name: "Delete", exact: true }).click();
    await card.getByText("open conversations", { exact: false }).waitFor();
    await card.getByRole("button", { name: "Delete anyway", exact: false }).click();
    await page.getByText("No channels connected yet.").waitFor();
    await staff.call(`/api/channels/${channelId}`, {}, 404);
    expect(problems).toEqual([]);
  });

  it("creates a widget key with the snippet to copy and previews and saves its theme, on a phone-sized screen", async () => {
    const { staff, page, problems } = await openConsole("/channels", {
      viewport: { width: 390, height: 844 },
    });
    const create = page.getByRole("form", { name: "Create widget key" });
    await create.getByLabel("Name").fill("Shop");
    await create.getByLabel("Allowed origins (comma separated)").fill("https://shop.example.test");
    await create.getByRole("button", { name: "Create widget key" }).click();
    await page.getByText("Identity secret (shown once", { exact: false }).waitFor();

    const [key] = (
      await staff.call<{ data: { id: string; publicKey: string }[] }>("/api/widget-keys", {}, 200)
    ).data;
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Shop" }) });
    const snippet = card.locator("pre.snippet");
    await expect
      .poll(() => snippet.textContent())
      .toBe(`<script src="${appUrl}/widget.js" data-widget-key="${key?.publicKey}" async></script>`);
    await card.getByRole("button", { name: "Copy the snippet of Shop" }).waitFor();

    // The preview follows the form before anything is saved; Save stores the theme.
    const settings = card.getByRole("form", { name: "Settings of Shop" });
    await settings.getByLabel("Colour").fill("#aa3300");
    await settings.getByLabel("Position").selectOption("left");
    await settings.getByLabel("Title").fill("Shop help");
    const header = card.locator(".preview-header");
    await expect.poll(() => header.textContent()).toBe("Shop help");
    await expect
      .poll(() =>
        page.evaluate("getComputedStyle(document.querySelector('.preview-header')).backgroundColor"),
      )
      .toBe("rgb(170, 51, 0)");
    await expect.poll(() => card.locator(".widget-preview.left").count()).toBe(1);
    await settings.getByRole("button", { name: "Save" }).click();
    await card.getByText("Saved.").waitFor();
    const saved = (await staff.call<{ data: { settings: unknown }[] }>("/api/widget-keys", {}, 200)).data[0];
    expect(saved?.settings).toMatchObject({
      title: "Shop help",
      theme: { color: "#aa3300", position: "left" },
    });

    // Nothing is wider than the phone.
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  });
});
