// A WhatsApp conversation in the staff console (Chromium): the channel's messaging window (closed when
// the customer last wrote two days ago, when only a template goes out; open again once they write)
// and each staff reply's delivery
// state moving forward as the platform's status webhooks arrive. Graph API is the local fake; the
// webhooks are signed over their raw bytes as Meta signs them.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { graphAccount, signedDelivery, waStatus, waText, whatsappDelivery } from "../support/fake-meta";
import { consolePage, launchChromium, signInAt } from "./support/console";
import { registerStaff } from "./support/staff";

const appUrl = inject("appUrl");
const fakes = inject("e2eFakeServicesUrl");
const digits = () => String(Math.floor(1e14 + Math.random() * 9e14));
const messages = (page: Page) => page.getByRole("list", { name: "Messages" });
// What waits on the server (a queued webhook, then its event on the sockets) on a loaded machine.
const SERVER = { timeout: 20_000 };
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("a WhatsApp conversation in the console", () => {
  it("shows the channel window closing and opening, and a reply's delivery going sent → delivered → read", async () => {
    const staff = await registerStaff(appUrl);
    const [phoneNumberId, wabaId, customer] = [digits(), digits(), digits()];
    const token = `EAAG-${crypto.randomUUID()}`;
    const appSecret = `secret-${crypto.randomUUID()}`;
    const graph = graphAccount(fakes, token);
    await graph.profile({ verified_name: "Acme Support", display_phone_number: "+1 555-0100" });
    const channel = await staff.call<{ id: string }>(
      "/api/channels",
      {
        json: {
          type: "whatsapp",
          name: "Acme WhatsApp",
          config: { phoneNumberId, businessAccountId: wabaId, accessToken: token, appSecret },
        },
      },
      201,
    );
    const deliver = async (changes: Parameters<typeof whatsappDelivery>[2]) => {
      const { body, headers } = await signedDelivery(
        whatsappDelivery(wabaId, phoneNumberId, changes),
        appSecret,
      );
      const response = await fetch(`${appUrl}/webhooks/meta/${channel.id}`, {
        method: "POST",
        body,
        headers,
      });
      expect(response.status).toBe(200);
    };

    // The customer wrote two days ago: the 24 h window has closed.
    const twoDaysAgo = Date.now() - 48 * 3_600_000;
    await deliver([
      {
        messages: [waText(customer, `wamid.IN${digits()}`, twoDaysAgo, "Where is my order?")],
        contacts: [{ wa_id: customer, name: "Ada" }],
      },
    ]);
    const { page, problems } = await consolePage(browser);
    await signInAt(page, `${appUrl}/app/`, staff.email, staff.password);
    await page.getByRole("option").filter({ hasText: "Where is my order?" }).click(SERVER);
    await messages(page).getByText("Where is my order?").waitFor(SERVER);
    await page.getByText("The channel window is closed: only a template can be sent.").waitFor(SERVER);
    // Only a template may go out now: sent from the console, shown as a staff message.
    const form = page.getByRole("form", { name: "Send a WhatsApp template" });
    await form.getByLabel("Template name").fill("order_update");
    await form.getByLabel("Language code").fill("en_US");
    await form.getByLabel("Parameters (separated by |)").fill("Ada | #4521");
    await form.getByRole("button", { name: "Send template" }).click();
    await messages(page).getByText("[Template order_update (en_US): Ada · #4521]").waitFor(SERVER);

    // They write again: the window is open for 24 h from now.
    await deliver([{ messages: [waText(customer, `wamid.IN${digits()}`, Date.now(), "Hello?")] }]);
    await messages(page).getByText("Hello?").waitFor(SERVER);
    await page.getByText(/^Channel window open until/).waitFor(SERVER);

    // A staff reply goes out on WhatsApp; its state follows the platform's statuses, forward only.
    const wamid = `wamid.OUT${digits()}`;
    await graph.script(`POST /${phoneNumberId}/messages`, {
      json: { messaging_product: "whatsapp", messages: [{ id: wamid }] },
      times: 1,
    });
    await page.getByLabel("Reply").fill("It ships today.");
    await page.keyboard.press("Enter");
    const reply = messages(page).getByRole("listitem").filter({ hasText: "It ships today." });
    await reply.getByText("Sent", { exact: false }).waitFor(SERVER);
    await deliver([{ statuses: [waStatus(wamid, "delivered", Date.now(), customer)] }]);
    await reply.getByText("Delivered", { exact: false }).waitFor(SERVER);
    await deliver([{ statuses: [waStatus(wamid, "read", Date.now(), customer)] }]);
    await reply.getByText("Read", { exact: false }).waitFor(SERVER);
    // A late "delivered" never moves it back.
    await deliver([{ statuses: [waStatus(wamid, "delivered", Date.now() - 1_000, customer)] }]);
    await page.waitForTimeout(1_000);
    await expect(reply.getByText("Read", { exact: false }).count()).resolves.toBe(1);

    const sends = (await graph.calls()).filter((c) => c.method === "POST" && c.path.endsWith("/messages"));
    type Send = { template?: { name: string }; text?: { body: string } };
    expect(sends.map((c) => c.body as Send).map((b) => b.template?.name ?? b.text?.body)).toEqual([
      "order_update",
      "It ships today.",
    ]);
    expect(problems).toEqual([]);
  }, 120_000);
});
