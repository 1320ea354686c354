import { env } from "cloudflare:workers";
import { callJson, type TestTenant, unique } from "../../support/api";

export interface Received {
  delivery: string | null;
  event: string | null;
  timestamp: string | null;
  verified: boolean;
  body: { id: string; type: string; tenantId: string; createdAt: string; data: Record<string, unknown> };
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** A webhook of `tenant` pointing at a fresh namespace of the local receiver, which knows its secret. */
export async function receiver(
  tenant: TestTenant,
  events: string[],
  script: { failFirst?: number; failStatus?: number } = {},
) {
  const ns = unique();
  const webhook = await callJson<{ id: string; secret: string }>(
    "/api/webhooks",
    { token: tenant.accessToken, json: { url: `${env.FAKE_SERVICES_URL}/webhooks/${ns}`, events } },
    201,
  );
  const setup = (more: { failFirst?: number; failStatus?: number }) =>
    fetch(`${env.FAKE_SERVICES_URL}/_test/webhooks/setup`, {
      method: "POST",
      body: JSON.stringify({ ns, secret: webhook.secret, ...more }),
    });
  await setup(script);
  const received = async () =>
    (await (await fetch(`${env.FAKE_SERVICES_URL}/_test/webhooks/received?ns=${ns}`)).json()) as Received[];
  const deliveries = async () =>
    (
      await callJson<{ data: Delivery[] }>(
        `/api/webhooks/${webhook.id}/deliveries`,
        { token: tenant.accessToken },
        200,
      )
    ).data;
  return { webhook, ns, setup, received, deliveries };
}

/** Polls `probe` until `done` holds of its answer (deliveries go through a real queue). */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
