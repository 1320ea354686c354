// 50 simultaneous REST requests of the kinds a dashboard and a widget make at once — registrations and
// conversation creations (writes in transactions), logins (right and wrong passwords), messages, lists —
// each checked for its status AND its content, so a database that mixes up connections is caught.
import { randomUUID } from "node:crypto";
import { randomIp, registerStaff, type Staff } from "./staff.ts";

export interface BurstResult {
  /** One line per request whose status or content was wrong; empty when every answer was right. */
  failures: string[];
  requests: number;
  wallMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

type Check = (answer: Answer) => string | undefined;

interface Job {
  name: string;
  send: () => Promise<Response>;
  expected: number;
  check: Check;
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "content-type": "application/json", "CF-Connecting-IP": randomIp(), ...headers },
  body: JSON.stringify(body),
});
const bearer = (staff: Staff) => ({ authorization: `Bearer ${staff.accessToken}` });
const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
const same = (what: string, actual: unknown, expected: unknown) =>
  actual === expected
    ? undefined
    : `${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;

/** Prepares 5 tenants with 2 conversations each (one at a time), then fires 50 mixed requests at once. */
export async function runMixedBurst(base: string): Promise<BurstResult> {
  const staffs: Staff[] = [];
  const conversations = new Map<Staff, string[]>();
  for (let i = 0; i < 5; i++) {
    const staff = await registerStaff(base);
    staffs.push(staff);
    const ids: string[] = [];
    for (let c = 0; c < 2; c++) {
      const created = await staff.call<{ id: string }>(
        "/api/conversations",
        { json: { visitorId: `setup-${c}` } },
        201,
      );
      ids.push(created.id);
    }
    conversations.set(staff, ids);
  }

  const jobs: Job[] = [];
  for (let i = 0; i < 5; i++) {
    const email = `burst-${randomUUID().slice(0, 8)}@example.test`;
    const tenantName = `Burst ${email}`;
    jobs.push({
      name: `register ${email}`,
      send: () =>
        fetch(
          `${base}/api/auth/register`,
          json("POST", { tenantName, name: "Burst", email, password: `pw-${randomUUID()}` }),
        ),
      expected: 201,
      check: ({ body }) =>
        same("user.email", field(body.user, "email"), email) ??
        same("tenant.name", field(body.tenant, "name"), tenantName),
    });
  }
  for (const staff of staffs) {
    for (let i = 0; i < 2; i++) {
      jobs.push({
        name: `login ${staff.email}`,
        send: () =>
          fetch(`${base}/api/auth/login`, json("POST", { email: staff.email, password: staff.password })),
        expected: 200,
        check: ({ body }) =>
          same("user.id", field(body.user, "id"), staff.userId) ??
          same("tenant.id", field(body.tenant, "id"), staff.tenantId),
      });
    }
    jobs.push({
      name: `login ${staff.email} with a wrong password`,
      send: () => fetch(`${base}/api/auth/login`, json("POST", { email: staff.email, password: "wrong-pw" })),
      expected: 401,
      check: ({ body }) => same("error.code", field(body.error, "code"), "unauthorized"),
    });
    for (let i = 0; i < 2; i++) {
      const visitorId = `burst-${randomUUID().slice(0, 8)}`;
      jobs.push({
        name: `create a conversation for ${visitorId}`,
        send: () => fetch(`${base}/api/conversations`, json("POST", { visitorId }, bearer(staff))),
        expected: 201,
        check: ({ body }) =>
          same("tenantId", body.tenantId, staff.tenantId) ?? same("visitorId", body.visitorId, visitorId),
      });
    }
    for (const id of conversations.get(staff) ?? []) {
      const text = `burst message ${randomUUID()}`;
      jobs.push({
        name: `post a message to ${id}`,
        send: () => fetch(`${base}/api/conversations/${id}/messages`, json("POST", { text }, bearer(staff))),
        expected: 201,
        check: ({ body }) => same("message.text", field(body.message, "text"), text),
      });
    }
    jobs.push({
      name: `list ${staff.email}'s conversations`,
      send: () => fetch(`${base}/api/conversations?limit=100`, { headers: bearer(staff) }),
      expected: 200,
      check: ({ body }) => {
        const items = Array.isArray(body.data) ? body.data : [];
        const foreign = items.filter((item) => field(item, "tenantId") !== staff.tenantId);
        if (foreign.length > 0) return `${foreign.length} conversations of another tenant`;
        const ids = new Set(items.map((item) => field(item, "id")));
        const missing = (conversations.get(staff) ?? []).filter((id) => !ids.has(id));
        return missing.length > 0 ? `setup conversations ${missing.join(", ")} missing` : undefined;
      },
    });
    jobs.push({
      name: `profile of ${staff.email}`,
      send: () => fetch(`${base}/api/auth/profile`, { headers: bearer(staff) }),
      expected: 200,
      check: ({ body }) => same("user.id", field(body.user, "id"), staff.userId),
    });
  }

  const latencies: number[] = [];
  const started = performance.now();
  const failures = await Promise.all(
    jobs.map(async (job) => {
      const sent = performance.now();
      try {
        const response = await job.send();
        const text = await response.text();
        latencies.push(performance.now() - sent);
        if (response.status !== job.expected) {
          return `${job.name}: status ${response.status}, expected ${job.expected}: ${text.slice(0, 300)}`;
        }
        const problem = job.check({ status: response.status, body: JSON.parse(text) });
        return problem ? `${job.name}: ${problem}` : undefined;
      } catch (error) {
        return `${job.name}: ${String(error)}`;
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    failures: failures.filter((failure): failure is string => failure !== undefined),
    requests: jobs.length,
    wallMs: Math.round(wallMs),
    requestsPerSecond: Math.round((jobs.length / wallMs) * 1000 * 10) / 10,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
