import { randomUUID } from "node:crypto";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

/** An email as the fake Resend API accepted it. */
export interface CapturedEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  createdAt: string;
}

/** Resend's `POST /emails` (https://resend.com/docs/api-reference/emails/send-email) plus `GET /_test/emails`. */
export function resendRoutes(): FakeRoute[] {
  const emails: CapturedEmail[] = [];
  return [
    {
      method: "POST",
      path: "/resend/emails",
      handle: (req) => {
        const denied = checkApiKey(req);
        if (denied) return denied;
        const parsed = parseEmail(req.body);
        if (typeof parsed === "string") return resendError(422, "validation_error", parsed);
        const email: CapturedEmail = { id: randomUUID(), ...parsed, createdAt: new Date().toISOString() };
        emails.push(email);
        return { status: 200, json: { id: email.id } };
      },
    },
    {
      method: "GET",
      path: "/_test/emails",
      handle: (req) => {
        const to = req.url.searchParams.get("to");
        const matching = to
          ? emails.filter((email) => email.to.some((a) => bareAddress(a) === bareAddress(to)))
          : emails;
        return { status: 200, json: matching };
      },
    },
  ];
}

function checkApiKey(req: FakeRequest): FakeResponse | undefined {
  const header = req.headers.authorization;
  if (!header) return resendError(401, "missing_api_key", "Missing API key in the authorization header.");
  if (!/^Bearer \S+$/.test(header)) return resendError(403, "invalid_api_key", "API key is invalid.");
  return undefined;
}

function resendError(statusCode: number, name: string, message: string): FakeResponse {
  return { status: statusCode, json: { statusCode, name, message } };
}

type ParsedEmail = Omit<CapturedEmail, "id" | "createdAt">;

/** Returns the email, or the validation message Resend would give. */
function parseEmail(body: string): ParsedEmail | string {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return "Invalid JSON body.";
  }
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return "Body must be a JSON object.";
  const fields = input as Record<string, unknown>;
  const from = fields.from;
  const subject = fields.subject;
  const to = addressList(fields.to);
  if (typeof from !== "string" || from.trim() === "") return "Missing `from` field.";
  if (!to || to.length === 0) return "Missing `to` field.";
  if (to.length > 50) return "Too many recipients: `to` accepts at most 50.";
  if (typeof subject !== "string" || subject === "") return "Missing `subject` field.";
  const { text, html } = fields;
  if (text !== undefined && typeof text !== "string") return "`text` must be a string.";
  if (html !== undefined && typeof html !== "string") return "`html` must be a string.";
  if (text === undefined && html === undefined) return "Missing `html` or `text` field.";
  const email: ParsedEmail = { from, to, subject };
  if (text !== undefined) email.text = text;
  if (html !== undefined) email.html = html;
  for (const [key, field] of [
    ["cc", "cc"],
    ["bcc", "bcc"],
    ["replyTo", "reply_to"],
  ] as const) {
    if (fields[field] === undefined) continue;
    const list = addressList(fields[field]);
    if (!list) return `\`${field}\` must be a string or an array of strings.`;
    email[key] = list;
  }
  return email;
}

function addressList(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.trim() === "" ? [] : [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  return undefined;
}

/** `Name <a@b.c>` and `a@b.c` name the same mailbox. */
function bareAddress(address: string): string {
  const angled = /<([^>]+)>\s*$/.exec(address);
  return (angled?.[1] ?? address).trim().toLowerCase();
}
