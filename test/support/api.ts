import { env, exports } from "cloudflare:workers";
import { openDatabase } from "../../src/db/client";
import { users } from "../../src/db/schema";
import { loadConfig } from "../../src/env";
import { hashPassword } from "../../src/lib/password";

export interface CallOptions {
  method?: string;
  token?: string;
  json?: unknown;
  /** A raw body (sent as is, with whatever Content-Type `headers` name). */
  body?: BodyInit;
  ip?: string;
  headers?: Record<string, string>;
}

/** Sends a request to the Worker's real fetch handler. */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  if (options.ip) headers.set("CF-Connecting-IP", options.ip);
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  const method = options.method ?? (body === undefined ? "GET" : "POST");
  return exports.default.fetch(new Request(`http://switchboard.test${path}`, { method, headers, body }));
}

/** Calls and parses JSON, failing loudly with the body when the status is not the expected one. */
export async function callJson<T = Record<string, unknown>>(
  path: string,
  options: CallOptions,
  status: number,
): Promise<T> {
  const response = await call(path, options);
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${path}: expected ${status}, got ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export const unique = () => crypto.randomUUID().slice(0, 8);

/** A random IP, so per-IP rate limits of one test never touch another's. */
/**
 * Waits, when needed, until the rate limiters' current window has at least `seconds` left: locally
 * they count in 60 s windows aligned to the clock, so a burst that straddles a minute would be
 * counted in two windows and never reach the limit.
 */
export async function withinOneRateWindow(seconds = 10): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

export const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string; tenantId: string };
  tenant: { id: string; name: string };
}

export interface TestTenant extends Session {
  email: string;
  password: string;
  ip: string;
}

/** Registers a fresh tenant with its admin (unique per call). */
export async function registerTenant(name = `Tenant ${unique()}`): Promise<TestTenant> {
  const email = `admin-${unique()}@example.test`;
  const password = `pw-${crypto.randomUUID()}`;
  const ip = randomIp();
  const session = await callJson<Session>(
    "/api/auth/register",
    { json: { tenantName: name, name: "Admin", email, password }, ip },
    201,
  );
  return { ...session, email, password, ip };
}

/** Adds an active user of `role` directly in the database (for roles no public route creates). */
export async function addUser(tenantId: string, role: "PLATFORM_ADMIN" | "TENANT_ADMIN" | "TENANT_USER") {
  const email = `${role.toLowerCase()}-${unique()}@example.test`;
  const password = `pw-${crypto.randomUUID()}`;
  const { db, close } = openDatabase(loadConfig(env));
  try {
    await db
      .insert(users)
      .values({ tenantId, email, name: role, role, passwordHash: await hashPassword(password) });
  } finally {
    await close();
  }
  const session = await callJson<Session>(
    "/api/auth/login",
    { json: { email, password }, ip: randomIp() },
    200,
  );
  return { ...session, email, password };
}

interface CapturedEmail {
  to: string[];
  subject: string;
  text: string;
}

/** Waits for the email the Worker sent to `to` through the fake Resend server. */
export async function waitForEmail(to: string, subject: RegExp, timeoutMs = 5_000): Promise<CapturedEmail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${env.FAKE_SERVICES_URL}/_test/emails?to=${encodeURIComponent(to)}`);
    const emails = (await response.json()) as CapturedEmail[];
    const found = emails.filter((email) => subject.test(email.subject)).at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no email to ${to} matching ${subject} within ${timeoutMs} ms`);
}

/** The token in a link such as `https://…/reset-password?token=…`. */
export function tokenFromEmail(email: CapturedEmail): string {
  const match = /token=([\w-]+)/.exec(email.text);
  if (!match?.[1]) throw new Error(`no token in email: ${email.text}`);
  return match[1];
}

/** How many statements the Worker has sent Postgres so far with `value` among their parameters. */
export async function statementsWith(value: string): Promise<number> {
  const proxy = (env.DB_PROXY_URL ?? "").replace(/^ws/, "http");
  const response = await fetch(`${proxy}/_test/statements?with=${encodeURIComponent(value)}`);
  const { statements } = (await response.json()) as { statements: number };
  return statements;
}
