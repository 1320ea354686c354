// The pages that invitation and password-reset emails link to (part of the console, /app/accept-invite and
// /app/reset-password), in headless Chromium against the running app (`wrangler dev`): the real emailed
// link (from the fake Resend API), the form, the API call, and the answer shown in the page. The old
// addresses redirect there.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { emailedLink } from "./support/emails";
import { registerStaff, type Staff } from "./support/staff";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  ...["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  ...["--disable-background-networking", "--disable-component-update", "--disable-sync"],
];

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
let browser: Browser;
let staff: Staff;

const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: install it or set CHROMIUM_PATH`);
  const launching = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  staff = await registerStaff(appUrl);
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
});

function login(email: string, password: string) {
  return fetch(`${appUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "CF-Connecting-IP": randomIp() },
    body: JSON.stringify({ email, password }),
  });
}

/** Opens `url` in a fresh context, failing on any script error in the page. */
async function open(url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
  await page.goto(url);
  await page.getByRole("heading", { level: 1 }).waitFor();
  expect(problems).toEqual([]);
  return page;
}

// The page waits on the API (password hashing included), which can take seconds on a loaded machine.
const SERVER = { timeout: 15_000 };

const focusedId = (page: Page) => page.locator(":focus").getAttribute("id");

describe("account pages from emailed links", () => {
  it("accepts an invitation in the page: the password is set and signing in works", async () => {
    const email = `invitee-${randomUUID().slice(0, 8)}@example.test`;
    await staff.call(
      `/api/tenants/${staff.tenantId}/users`,
      { json: { email, name: "Invitee", role: "TENANT_USER" } },
      201,
    );
    const link = await emailedLink(fakes, email, /invited/);
    expect(link.startsWith(`${appUrl}/app/accept-invite?token=`)).toBe(true);

    const page = await open(link);
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("Password", { exact: true }).fill("a brand new password");
    await page.getByLabel("Repeat the password").fill("a different password");
    await page.getByRole("button", { name: "Set password and join" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), SERVER).toMatch(/differ/);
    expect(await focusedId(page)).toBe("confirm");

    await page.getByLabel("Repeat the password").fill("a brand new password");
    await page.getByRole("button", { name: "Set password and join" }).click();
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent(), SERVER).toMatch(/account is active/);
    expect(await focusedId(page)).toBe("status");
    expect(await page.getByRole("alert").textContent()).toBe("");

    const signedIn = await login(email, "a brand new password");
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { user: { name: string } }).user.name).toBe("Grace Hopper");

    // The link worked once: a second use is refused, in the page.
    const again = await open(link);
    await again.getByLabel("Password", { exact: true }).fill("yet another password");
    await again.getByLabel("Repeat the password").fill("yet another password");
    await again.getByRole("button", { name: "Set password and join" }).click();
    await expect
      .poll(() => again.getByRole("alert").textContent(), SERVER)
      .toMatch(/invalid, used or expired/);
  });

  it("resets a password in the page: the new one signs in, the old one no longer does", async () => {
    const email = `reset-${randomUUID().slice(0, 8)}@example.test`;
    const oldPassword = `pw-${randomUUID()}`;
    const registered = await fetch(`${appUrl}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({ tenantName: "Reset Co", name: "Ada", email, password: oldPassword }),
    });
    expect(registered.status).toBe(201);
    const forgot = await fetch(`${appUrl}/api/auth/forgot`, {
      method: "POST",
      headers: { "content-type": "application/json", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({ email }),
    });
    expect(forgot.status).toBe(202);
    const link = await emailedLink(fakes, email, /Reset your/);
    expect(link.startsWith(`${appUrl}/app/reset-password?token=`)).toBe(true);

    const page = await open(link);
    await page.getByLabel("New password", { exact: true }).fill("my new secret password");
    await page.getByLabel("Repeat the new password").fill("my new secret password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), SERVER).toMatch(/password was changed/);
    expect(await page.locator("form").isVisible()).toBe(false);

    expect((await login(email, "my new secret password")).status).toBe(200);
    expect((await login(email, oldPassword)).status).toBe(401);
  });

  it("serves both pages in the console with a policy that forbids framing and foreign content", async () => {
    for (const path of ["/app/accept-invite", "/app/reset-password"]) {
      const response = await fetch(`${appUrl}${path}?token=x`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect((await fetch(`${appUrl}/_headers`)).status).not.toBe(200);
  });

  it("redirects the pages' old addresses (links in emails sent before) into the console, token kept", async () => {
    for (const path of ["/accept-invite", "/reset-password"]) {
      const response = await fetch(`${appUrl}${path}?token=abc-123`, { redirect: "manual" });
      expect(response.status, path).toBe(301);
      expect(response.headers.get("location")).toBe(`/app${path}?token=abc-123`);
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("shows an invalid or missing token as an error in the page, with focus on it", async () => {
    const page = await open(`${appUrl}/reset-password?token=not-a-real-token`);
    await page.getByLabel("New password", { exact: true }).fill("my new secret password");
    await page.getByLabel("Repeat the new password").fill("my new secret password");
    await page.getByRole("button", { name: "Set new password" }).click();
    const alert = page.getByRole("alert");
    await expect
      .poll(() => alert.textContent(), SERVER)
      .toMatch(/invalid, used or expired.*Ask for a new link/);
    expect(await focusedId(page)).toBe("error");
    expect(await page.getByRole("button", { name: "Set new password" }).isEnabled()).toBe(true);

    const missing = await open(`${appUrl}/accept-invite`);
    await expect.poll(() => missing.getByRole("alert").textContent(), SERVER).toMatch(/no token/);
    expect(await missing.getByRole("button", { name: "Set password and join" }).isDisabled()).toBe(true);
  });
});
