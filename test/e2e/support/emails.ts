// Emails the app sent, as the fake Resend API received them.

/** The link in the latest email to `to` whose subject matches (waits up to 10 s for it). */
export async function emailedLink(fakes: string, to: string, subject: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${fakes}/_test/emails?to=${encodeURIComponent(to)}`);
    const emails = (await response.json()) as { subject: string; text?: string }[];
    const text = emails.filter((email) => subject.test(email.subject)).at(-1)?.text;
    const link = text && /(https?:\/\/\S+\?token=[\w-]+)/.exec(text)?.[1];
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${to} matching ${subject}`);
}
