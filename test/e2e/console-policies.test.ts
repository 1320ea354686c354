// The console's Policies screen in headless Chromium against the running app (`wrangler dev`, real
// Postgres, the real policy queue): two schedules from the test corpus are uploaded at once, their
// progress arrives from the inbox stream, the one that needs review opens beside its PDF page with
// the doubtful field highlighted, the reviewer corrects it and confirms, and the record shows it.
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cleanMotorDocs, withNcb } from "../support/policy-corpus/clean";
import { corpusPdf } from "../support/policy-corpus/pdf";
import { registerStaff, type Staff } from "./support/staff";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  ...["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  ...["--disable-background-networking", "--disable-component-update", "--disable-sync"],
];

const appUrl = inject("appUrl");
let browser: Browser;
let staff: Staff;

beforeAll(async () => {
  const launching = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  staff = await registerStaff(appUrl);
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
});

async function signInAt(page: Page, url: string) {
  await page.goto(url);
  await page.getByLabel("Email").fill(staff.email);
  await page.getByLabel("Password").fill(staff.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("the console's Policies screen in Chromium", () => {
  it("uploads two schedules at once, reviews the doubtful one beside its PDF page, confirms a corrected field, and the record shows it", {
    timeout: 120_000,
  }, async () => {
    const [clean, doubtful] = cleanMotorDocs(2);
    if (!clean || !doubtful) throw new Error("no documents");
    const ncb = Number(doubtful.truth.ncbPercent);
    // The doubtful copy prints an NCB off the slabs (30%): the extractor keeps it, unsure, for review.
    const runs = withNcb(doubtful, 30);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await signInAt(page, `${appUrl}/app/policies`);
    await page.getByRole("heading", { name: "Policies" }).waitFor();
    await expect
      .poll(() => page.getByRole("link", { name: "Policies" }).getAttribute("aria-current"))
      .toBe("page");

    // Many at once, dropped on the drop zone (as a file manager drag would); progress comes from the
    // inbox stream. The zone is also the label of a plain file input, for the keyboard.
    expect(await page.getByLabel("Policy PDFs to upload").getAttribute("multiple")).not.toBeNull();
    const files = [
      { name: "clean.pdf", base64: Buffer.from(await corpusPdf(clean.runs)).toString("base64") },
      { name: "doubtful.pdf", base64: Buffer.from(await corpusPdf(runs)).toString("base64") },
    ];
    // Run in the page (as a string: the test's own TypeScript has no DOM types).
    await page.evaluate(`(() => {
      const zone = document.querySelector(".dropzone");
      const transfer = new DataTransfer();
      for (const file of ${JSON.stringify(files)}) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: "application/pdf" }));
      }
      for (const type of ["dragover", "drop"])
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    const uploads = page.getByRole("list", { name: "Uploads" });
    const cleanRow = uploads.getByRole("listitem").filter({ hasText: "clean.pdf" });
    const doubtfulRow = uploads.getByRole("listitem").filter({ hasText: "doubtful.pdf" });
    await cleanRow.filter({ hasText: "Saved" }).waitFor({ timeout: 60_000 });
    await doubtfulRow.filter({ hasText: "Needs review" }).waitFor({ timeout: 60_000 });
    expect(await doubtfulRow.getByRole("progressbar").getAttribute("value")).toBe("3");

    // The review queue lists it; its review shows each field with confidence, source and page.
    const queue = page.getByRole("table", { name: "Review queue" });
    await queue
      .getByRole("row")
      .filter({ hasText: String(doubtful.truth.policyNumber) })
      .waitFor();
    await doubtfulRow.getByRole("button", { name: "Review" }).click();
    const review = page.getByRole("region", { name: `Review ${doubtful.truth.policyNumber}` });
    await review.waitFor();
    await expect
      .poll(() => review.getByLabel("Policy number", { exact: true }).inputValue())
      .toBe(doubtful.truth.policyNumber);
    await expect
      .poll(() => review.getByLabel("Customer name", { exact: true }).inputValue())
      .toBe(doubtful.truth.customerName);
    const ncbRow = review.locator('tr[data-field="ncbPercent"]');
    expect(await ncbRow.getAttribute("class")).toBe("low");
    expect(await review.getByLabel("NCB (%)", { exact: true }).inputValue()).toBe("30");
    expect(await ncbRow.textContent()).toContain("PDF text");
    // The PDF page beside the fields, drawn from the file route with the session's token.
    const pdf = page.getByRole("figure", { name: "The policy PDF" });
    await expect.poll(() => pdf.getAttribute("data-state"), { timeout: 30_000 }).toBe("ready");
    await ncbRow.getByRole("button", { name: /^Show page \d$/ }).click();
    await pdf.getByText(/^Page \d of \d$/).waitFor();

    // Correct the NCB with the keyboard and confirm.
    await review.getByLabel("NCB (%)", { exact: true }).fill(String(ncb));
    await review.getByRole("button", { name: "Save and confirm" }).click();
    await review.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await review.getByText("Status: Saved").waitFor();
    expect(await review.getByLabel("NCB (%)", { exact: true }).inputValue()).toBe(String(ncb));
    expect(await ncbRow.textContent()).toContain("Edited");
    expect(await ncbRow.textContent()).toContain("100%");
    await expect
      .poll(() =>
        queue
          .getByRole("row")
          .filter({ hasText: String(doubtful.truth.policyNumber) })
          .count(),
      )
      .toBe(0);

    // The record itself holds the correction, as the reviewer's.
    const { data } = await staff.call<{
      data: Array<{ id: string; status: string; fields: Record<string, { value: unknown; source: string }> }>;
    }>(`/api/policies?q=${encodeURIComponent(String(doubtful.truth.policyNumber))}`, {}, 200);
    expect(data).toHaveLength(1);
    expect(data[0]?.status).toBe("saved");
    expect(data[0]?.fields.ncbPercent).toMatchObject({ value: ncb, source: "manual", confidence: 1 });

    // The list shows both records saved; the explorer and leaderboard render them.
    await page.getByRole("tab", { name: "All policies" }).click();
    const list = page.getByRole("table", { name: "All policies" });
    await list
      .getByRole("row")
      .filter({ hasText: String(doubtful.truth.policyNumber) })
      .filter({ hasText: "Saved" })
      .waitFor();
    await list
      .getByRole("row")
      .filter({ hasText: String(clean.truth.policyNumber) })
      .waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("tab", { name: "Explorer" }).click();
    await page.getByText("2 matching policies").waitFor();
    await page.getByRole("tab", { name: "Leaderboard" }).click();
    await page.getByRole("table", { name: "Leaderboard" }).getByRole("row").nth(1).waitFor();
    expect(problems).toEqual([]);
  });
});
