// The console's conversation and inbox screens in headless Chromium against the running app (`wrangler
// dev`, real Postgres): private notes, canned responses and attachments in the composer (the widget's
// visitor sees the reply, never the note); labels, assignment and snooze reflected live in the filtered
// list; an invitation accepted inside the console; and inbox → conversation → reply with the keyboard only.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { consolePage, launchChromium, serveWidgetPage, signInAt } from "./support/console";
import { emailedLink } from "./support/emails";
import { registerStaff, type Staff } from "./support/staff";

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
let browser: Browser;
let site: { origin: string; close(): Promise<void> };
let widgetKey = "";

// A 2×2 PNG: the console shows it as a thumbnail.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMAAAAwAAf9C6VUAAAAASUVORK5CYII=",
  "base64",
);

beforeAll(async () => {
  const launching = launchChromium();
  site = await serveWidgetPage(appUrl, () => widgetKey);
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A visitor on the widget's site who writes `text`. */
async function visitorWrites(text: string): Promise<Page> {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(site.origin);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const input = visitor.getByLabel("Your message");
  await input.fill(text);
  await input.press("Enter");
  return visitor;
}

/** A conversation started over the API, with one staff message in it when `text` is given. */
async function apiConversation(staff: Staff, visitorId: string, text?: string): Promise<string> {
  const { id } = await staff.call<{ id: string }>("/api/conversations", { json: { visitorId } }, 201);
  if (text) await staff.call(`/api/conversations/${id}/messages`, { json: { text } }, 201);
  return id;
}

const messages = (page: Page) => page.getByRole("list", { name: "Messages" });
// What waits on the server (an API call, then its event on the inbox socket) on a loaded machine.
const SERVER = { timeout: 15_000 };

describe("the console's conversation screen in Chromium", () => {
  it("sends a private note, then a canned response with an image; the visitor sees the reply, never the note", async () => {
    const staff = await registerStaff(appUrl);
    ({ publicKey: widgetKey } = await staff.call<{ publicKey: string }>(
      "/api/widget-keys",
      { json: { name: "Notes site", allowedOrigins: [site.origin] } },
      201,
    ));
    await staff.call(
      "/api/canned-responses",
      { json: { shortCode: "ships", text: "Your order ships today. — {{agent.name}}" } },
      201,
    );
    const { page, problems } = await consolePage(browser);
    await signInAt(page, `${appUrl}/app/`, staff.email, staff.password);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    const visitor = await visitorWrites("When does order 77 ship?");
    await page.getByRole("option").filter({ hasText: "When does order 77 ship?" }).click();
    await messages(page).getByText("When does order 77 ship?").waitFor();

    // A private note: marked as one in the console.
    await page.getByLabel("Private note").check();
    await page.getByLabel("Reply").fill("VIP customer, be quick");
    await page.keyboard.press("Enter");
    // The stored note, not its pending copy (shown until the room acknowledges it).
    const note = messages(page)
      .locator(".message.note:not(.sending)")
      .filter({ hasText: "VIP customer, be quick" });
    await note.waitFor();
    expect(await note.textContent()).toContain("Note");
    await page.getByLabel("Private note").uncheck();

    // A canned response chosen with `/` and its short code, filled in by the server, with an image.
    await page
      .getByLabel("Attach a file")
      .setInputFiles({ name: "label.png", mimeType: "image/png", buffer: PNG });
    await page.locator(".composer-chips").getByText("label.png").waitFor();
    const reply = page.getByLabel("Reply");
    await reply.fill("/shi");
    await page
      .getByRole("listbox", { name: "Canned responses" })
      .getByRole("option", { name: /\/ships/ })
      .waitFor();
    await reply.press("Enter");
    await page.getByText("Canned response /ships").waitFor();
    await reply.press("Enter");
    const sent = messages(page).locator(".message").filter({ hasText: "Your order ships today. — Staff" });
    await sent.waitFor();
    const thumbnail = sent.getByRole("img", { name: "label.png" });
    await thumbnail.waitFor();
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(2);

    await visitor.getByText("Your order ships today. — Staff").waitFor();
    expect(await visitor.content()).not.toContain("VIP customer");
    expect(problems).toEqual([]);
  });

  it("labels, assigns to a team and a person, and snoozes from the console; the filtered list follows live", async () => {
    const staff = await registerStaff(appUrl);
    const label = await staff.call<{ id: string }>(
      "/api/labels",
      { json: { name: "billing", color: "#d93f0b" } },
      201,
    );
    await staff.call("/api/teams", { json: { name: "Tier 2" } }, 201);
    const other = await apiConversation(staff, "visitor-other");
    const id = await apiConversation(staff, "visitor-label", "About my invoice");
    const { page, problems } = await consolePage(browser);
    await signInAt(page, `${appUrl}/app/`, staff.email, staff.password);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    const row = page.locator(`[id="row-${id}"]`);
    await row.click();
    await messages(page).getByText("About my invoice").waitFor();

    const conversation = page.locator("section.conversation");
    await conversation.getByLabel("Add a label").selectOption({ label: "billing" });
    await conversation.getByRole("group", { name: "Labels" }).getByText("billing").waitFor();
    await conversation.getByLabel("Team").selectOption({ label: "Tier 2" });
    await conversation.getByLabel("Assignee").selectOption({ label: "Staff (Me)" });
    await expect.poll(() => row.textContent(), SERVER).toContain("With a human");
    await conversation.getByRole("button", { name: "Snooze", exact: true }).click();
    await expect.poll(() => row.textContent(), SERVER).toContain("Snoozed");
    expect(await row.textContent()).toContain("billing");
    await conversation.getByRole("button", { name: "Reopen" }).waitFor();

    // The filters show it and hide the other conversation; the server agrees.
    const filters = page.getByRole("group", { name: "Filters" });
    const shown = () => page.getByRole("listbox", { name: "Inbox" }).getByRole("option").count();
    const hidden = async () => (await page.locator(`[id="row-${other}"]`).count()) === 0;
    await filters.getByLabel("Label").selectOption({ label: "billing" });
    await expect.poll(shown, SERVER).toBe(1);
    expect(await hidden()).toBe(true);
    await filters.getByLabel("Label").selectOption({ label: "Any label" });
    await filters.getByLabel("Assignee").selectOption({ label: "Me" });
    await filters.getByLabel("Status").selectOption({ label: "Snoozed" });
    await expect.poll(shown, SERVER).toBe(1);
    expect(await hidden()).toBe(true);
    await filters.getByLabel("Status").selectOption({ label: "All" });
    await filters.getByLabel("Assignee").selectOption({ label: "Unassigned" });
    await expect.poll(hidden, SERVER).toBe(false);
    await expect.poll(shown, SERVER).toBe(1);
    await filters.getByLabel("Team").selectOption({ label: "Tier 2" });
    await expect.poll(shown, SERVER).toBe(0);
    const server = await staff.call<{ data: { id: string; status: string; teamId: string | null }[] }>(
      `/api/conversations?label=${label.id}`,
      {},
      200,
    );
    expect(server.data).toMatchObject([{ id, status: "snoozed" }]);
    expect(server.data[0]?.teamId).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it("finds a conversation by the text of an older message with the server's search, the match marked", async () => {
    const staff = await registerStaff(appUrl);
    const id = await apiConversation(staff, "visitor-search", "My tent zipper broke on the second night");
    await staff.call(`/api/conversations/${id}/messages`, { json: { text: "We will send a new one." } }, 201);
    await apiConversation(staff, "visitor-noise", "Unrelated question about stoves");
    const { page, problems } = await consolePage(browser);
    await signInAt(page, `${appUrl}/app/`, staff.email, staff.password);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await page.getByRole("searchbox", { name: "Search conversations" }).fill("zipper");
    const row = page.locator(`[id="row-${id}"]`);
    await expect
      .poll(() => page.getByRole("listbox", { name: "Inbox" }).getByRole("option").count(), SERVER)
      .toBe(1);
    await expect.poll(() => row.locator("mark").first().textContent(), SERVER).toMatch(/zipper/i);
    expect(problems).toEqual([]);
  });

  it("lets an invited colleague accept the invitation inside the console and sign in", async () => {
    const staff = await registerStaff(appUrl);
    const email = `colleague-${Date.now()}@example.test`;
    await staff.call(
      `/api/tenants/${staff.tenantId}/users`,
      { json: { email, name: "Lin", role: "TENANT_USER" } },
      201,
    );
    const link = await emailedLink(fakes, email, /invited/);
    expect(link.startsWith(`${appUrl}/app/accept-invite?token=`)).toBe(true);

    const { page, problems } = await consolePage(browser);
    await page.goto(link);
    await page.getByRole("heading", { level: 1, name: "Join your team on Switchboard" }).waitFor();
    await page.getByLabel("Your name").fill("Lin Colleague");
    await page.getByLabel("Password", { exact: true }).fill("colleague password 2");
    await page.getByLabel("Repeat the password").fill("colleague password 2");
    await page.getByRole("button", { name: "Set password and join" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 15_000 }).toMatch(/active/);

    await page.getByRole("link", { name: "Go to sign in" }).click();
    expect(new URL(page.url()).pathname).toBe("/app/");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("colleague password 2");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await page.getByText("Lin Colleague").waitFor();
    expect(problems).toEqual([]);
  });

  it("goes from signing in through the inbox to a reply (a canned one) with the keyboard only", async () => {
    const staff = await registerStaff(appUrl);
    await staff.call(
      "/api/canned-responses",
      { json: { shortCode: "thanks", text: "Thanks, sorted!" } },
      201,
    );
    const older = await apiConversation(staff, "visitor-older", "First question");
    await apiConversation(staff, "visitor-newer", "Second question");
    const { page, problems } = await consolePage(browser);
    await page.goto(`${appUrl}/app/`);
    // The email field has focus once the sign-in form is shown.
    await expect.poll(() => page.locator(":focus").getAttribute("name"), SERVER).toBe("email");
    await page.keyboard.type(staff.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(staff.password);
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await page.locator(`[id="row-${older}"]`).waitFor();

    // The list has focus; the newest is first: down one to the older conversation, Enter opens it.
    await expect.poll(() => page.locator(":focus").getAttribute("class"), SERVER).toBe("inbox-list");
    await page.keyboard.press("Home");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url(), SERVER).toContain(`/app/conversations/${older}`);
    await expect.poll(() => page.locator(":focus").getAttribute("id"), SERVER).toBe("reply");
    await messages(page).getByText("First question").waitFor();

    await page.keyboard.type("/than");
    await page.getByRole("option", { name: /\/thanks/ }).waitFor();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await messages(page).getByText("Thanks, sorted!").waitFor();
    await page.keyboard.type("Anything else?");
    await page.keyboard.press("Enter");
    await messages(page).getByText("Anything else?").waitFor();

    // Escape goes back to the inbox, whose list takes the focus again.
    await page.keyboard.press("Escape");
    await expect.poll(() => new URL(page.url()).pathname, SERVER).toBe("/app/");
    await expect.poll(() => page.locator(":focus").getAttribute("class"), SERVER).toBe("inbox-list");
    const history = await staff.call<{ data: { text: string }[] }>(
      `/api/conversations/${older}/messages`,
      {},
      200,
    );
    expect(history.data.map((m) => m.text)).toEqual(["First question", "Thanks, sorted!", "Anything else?"]);
    expect(problems).toEqual([]);
  });
});
