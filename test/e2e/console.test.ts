// The staff console in headless Chromium against the running app (`wrangler dev`, real Postgres): staff
// sign in, a visitor writes in the widget on another site, the message appears live in the inbox, staff
// open it and reply with the keyboard only, and the visitor sees the reply. The session survives a
// reload through its HttpOnly cookie (never readable by the page) and ends on sign-out.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, consolePage as newConsolePage, serveWidgetPage, signInAt } from "./support/console";
import { emailedLink } from "./support/emails";
import { registerStaff, type Staff } from "./support/staff";

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
let browser: Browser;
let staff: Staff;
let pageServer: { origin: string; close(): Promise<void> };
let pageOrigin: string;
let widgetKey: string;

beforeAll(async () => {
  const launching = launchChromium();
  pageServer = await serveWidgetPage(appUrl, () => widgetKey);
  pageOrigin = pageServer.origin;
  staff = await registerStaff(appUrl);
  ({ publicKey: widgetKey } = await staff.call<{ publicKey: string }>(
    "/api/widget-keys",
    { json: { name: "Console e2e site", allowedOrigins: [pageOrigin] } },
    201,
  ));
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
  await pageServer?.close();
});

/** A console page with its script errors collected. */
const consolePage = (): Promise<{ page: Page; problems: string[] }> => newConsolePage(browser);

describe("the staff console in Chromium", () => {
  it("shows a widget visitor's message live; staff open and answer it with the keyboard only", async () => {
    const { page, problems } = await consolePage();
    await page.goto(`${appUrl}/`);
    await page.getByRole("link", { name: "Staff console" }).click();
    await page.getByLabel("Email").fill(staff.email);
    await page.getByLabel("Password").fill(staff.password);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();

    // A visitor on another site writes through the widget.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(pageOrigin);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const input = visitor.getByLabel("Your message");
    await input.fill("Hi, where is my order 1234?");
    await input.press("Enter");

    // It appears in the inbox without a reload, marked unread.
    const row = page.getByRole("option").filter({ hasText: "Hi, where is my order 1234?" });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain("1 unread");

    // Keyboard only: the list has focus after sign-in; Enter opens the first row, focus moves to the reply box.
    await expect.poll(() => page.locator(":focus").getAttribute("class")).toBe("inbox-list");
    await page.keyboard.press("Home");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 2 }).waitFor();
    await expect.poll(() => page.locator(":focus").getAttribute("id")).toBe("reply");
    await page.getByRole("list", { name: "Messages" }).getByText("Hi, where is my order 1234?").waitFor();
    await page.keyboard.type("It ships today.");
    await page.keyboard.press("Enter");

    // The visitor sees the reply; the conversation is now with a human, and the unread mark is gone.
    await visitor.getByText("It ships today.").waitFor();
    await page.getByRole("list", { name: "Messages" }).getByText("It ships today.").waitFor();
    // The visitor has the chat open: staff see that they are here, and that they have seen the reply.
    await page.getByRole("status").filter({ hasText: "The customer is here now" }).waitFor();
    await page
      .getByRole("list", { name: "Messages" })
      .getByRole("listitem")
      .filter({ hasText: "It ships today." })
      .getByText("Seen")
      .waitFor();
    const id = /\/app\/conversations\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    const opened = page.locator(`[id="row-${id}"]`);
    // The inbox folds a busy room's message events over up to 2 s (docs/realtime.md, inbox events).
    await expect.poll(() => opened.textContent(), { timeout: 4000 }).toContain("It ships today.");
    await expect.poll(() => opened.textContent()).not.toContain("unread");
    await expect.poll(() => opened.textContent()).toContain("With a human");

    // A reload (on the deep link) keeps the session through the HttpOnly cookie; the page cannot read it.
    await page.reload();
    await page.getByRole("list", { name: "Messages" }).getByText("It ships today.").waitFor();
    expect(await page.evaluate("document.cookie")).not.toContain("sb_refresh");
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === "sb_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/auth/session" });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(problems).toEqual([]);
  });

  it("shows the plan an agent proposed in a widget conversation; staff approve it there and both see the result", async () => {
    // Signing out in the first test ended that user's access tokens: a new tenant. Its agent talks
    // to the fake model and may refund orders on a fake order API.
    staff = await registerStaff(appUrl);
    const model = `console-model-${Date.now()}`;
    const ns = `console-${Date.now()}`;
    await staff.call(
      "/api/ai/config",
      {
        method: "PUT",
        json: {
          providerApiKey: "sk-e2e",
          defaultModel: { provider: "custom", baseUrl: `${fakes}/openai/v1`, model, maxTokens: 300 },
        },
      },
      200,
    );
    const agent = await staff.call<{ id: string }>(
      "/api/agents",
      { json: { name: "Orders agent", systemPrompt: "You help with orders." } },
      201,
    );
    await staff.call(
      `/api/agents/${agent.id}/actions`,
      {
        json: {
          name: "Orders API",
          baseUrl: `${fakes}/downstream/${ns}/api`,
          token: "downstream-token",
          operations: [
            {
              name: "refund_order",
              description: "Refund an order",
              method: "POST",
              path: "/orders/{orderId}/refund",
              parameters: [{ name: "orderId", in: "path", schema: { type: "string" } }],
              body: { type: "object", properties: { amount: { type: "number" } }, required: ["amount"] },
              risk: "write",
            },
          ],
        },
      },
      201,
    );
    ({ publicKey: widgetKey } = await staff.call<{ publicKey: string }>(
      "/api/widget-keys",
      { json: { name: "Orders site", allowedOrigins: [pageOrigin], agentId: agent.id } },
      201,
    ));
    const refund = {
      name: "refund_order",
      arguments: JSON.stringify({ orderId: "1234", body: { amount: 42.5 }, _why: "damaged" }),
    };
    await fetch(`${fakes}/_test/openai/script`, {
      method: "POST",
      body: JSON.stringify({
        model,
        responses: [
          { type: "tool_calls", text: "I can refund order 1234 for you.", calls: [refund] },
          { type: "text", chunks: ["Order 1234 was refunded."] },
        ],
      }),
    });
    await fetch(`${fakes}/_test/downstream/script`, {
      method: "POST",
      body: JSON.stringify({ ns, routes: { "POST /api/orders/1234/refund": { json: { refunded: true } } } }),
    });

    const { page, problems } = await consolePage();
    await signInAt(page, `${appUrl}/app/`, staff.email, staff.password);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(pageOrigin);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const input = visitor.getByLabel("Your message");
    await input.fill("Please refund order 1234, it arrived broken");
    await input.press("Enter");
    await visitor.getByText("A team member needs to approve this first", { exact: false }).waitFor();

    await page.getByRole("option").filter({ hasText: "refund order 1234" }).first().click();
    const plan = page.getByRole("article", { name: "Plan waiting for approval" });
    await plan.getByText("POST /orders/{orderId}/refund").waitFor();
    const args = plan.getByLabel("Arguments of step 1 (JSON; edit before approving)");
    await expect.poll(() => args.inputValue()).toContain("42.5");
    // Staff correct the amount before approving: the edited arguments are what runs.
    await args.fill(JSON.stringify({ orderId: "1234", body: { amount: 40 } }));
    await plan.getByRole("button", { name: "Approve" }).click();

    // It ran once; the visitor and the console both show the outcome, and the card is gone.
    await visitor.getByText("Order 1234 was refunded.").waitFor();
    await page.getByRole("list", { name: "Messages" }).getByText("Order 1234 was refunded.").waitFor();
    await expect.poll(() => plan.count()).toBe(0);
    const requests = (await (await fetch(`${fakes}/_test/downstream/requests?ns=${ns}`)).json()) as unknown[];
    expect(requests).toHaveLength(1);
    expect(JSON.stringify(requests[0])).toContain('"amount":40');
    expect(problems).toEqual([]);
  });

  it("uploads a document from the Knowledge section, shows it becoming ready live, and finds its passage", async () => {
    staff = await registerStaff(appUrl);
    const { page, problems } = await consolePage();
    await signInAt(page, `${appUrl}/app/knowledge`, staff.email, staff.password);
    await page.getByRole("heading", { name: "Knowledge" }).waitFor();
    await page.getByText("No documents yet.").waitFor();

    await page.getByLabel("Documents to upload").setInputFiles({
      name: "returns.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Returns policy\n\nUnused tents can be returned within 30 days for a full refund."),
    });
    await page.getByLabel("Collection (optional)").fill("Help centre");
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const row = page
      .getByRole("table", { name: "Documents" })
      .getByRole("row")
      .filter({ hasText: "returns" });
    await row.waitFor();
    // No reload: the status arrives on the inbox stream.
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 20_000 }).toBe("ready");

    await page.getByLabel("Search the knowledge an agent would get").fill("tents returned");
    await page.getByRole("button", { name: "Search" }).click();
    const passages = page.getByRole("list", { name: "Search the knowledge an agent would get" });
    await passages.getByText("full refund", { exact: false }).waitFor();
    expect(await passages.locator("mark").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("invites a colleague from Team and settings, who accepts the emailed invitation and signs in; an API key's secret is shown once", async () => {
    staff = await registerStaff(appUrl);
    const { page, problems } = await consolePage();
    await signInAt(page, `${appUrl}/app/settings`, staff.email, staff.password);
    await page.getByRole("heading", { name: "Team and settings" }).waitFor();

    const email = `colleague-${Date.now()}@example.test`;
    const invite = page.getByRole("form", { name: "Invite a colleague" });
    await invite.getByLabel("Email").fill(email);
    await invite.getByLabel("Name").fill("Ada Colleague");
    await invite.getByRole("button", { name: "Invite" }).click();
    await page.getByText(`Invitation sent to ${email}.`).waitFor();
    await page.getByRole("table", { name: "Team" }).getByText("Invited").waitFor();

    // The API key's secret is shown once, and it works.
    await page.getByLabel("Key name").fill("CRM sync");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.locator("code.secret").textContent()) ?? "";
    expect(secret).toMatch(/^sb_/);
    const profile = await fetch(`${appUrl}/api/auth/profile`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(profile.status).toBe(200);

    // The colleague follows the emailed link, sets a password and signs in to the console.
    const link = await emailedLink(fakes, email, /invited/);
    const colleague = await (await browser.newContext()).newPage();
    await colleague.goto(link);
    await colleague.getByLabel("Password", { exact: true }).fill("colleague password 1");
    await colleague.getByLabel("Repeat the password").fill("colleague password 1");
    await colleague.getByRole("button", { name: "Set password and join" }).click();
    await expect
      .poll(() => colleague.getByRole("status").textContent(), { timeout: 15_000 })
      .toMatch(/active/);
    await signInAt(colleague, `${appUrl}/app/`, email, "colleague password 1");
    await colleague.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await colleague.getByText("Ada Colleague").waitFor();
    await page.reload();
    await page.getByRole("table", { name: "Team" }).getByText("Active").nth(1).waitFor();
    expect(problems).toEqual([]);
  });
});
