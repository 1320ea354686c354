import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { FakeRequest, FakeResponse, FakeRoute } from "./fake-services.ts";

// --- The Node verification snippet of docs/webhooks.md, as published (types added). ---
/** True when a Switchboard delivery is authentic and recent. `rawBody`: the exact bytes received. */
export function verifySwitchboardSignature(
  secret: string,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  toleranceSeconds = 300,
): boolean {
  const timestamp = headers["x-switchboard-timestamp"];
  const signature = headers["x-switchboard-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string") return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}
// --- end of snippet ---

interface Setup {
  secret: string;
  /** Answer this many deliveries with `failStatus` before accepting. */
  failFirst?: number;
  failStatus?: number;
}

interface Received {
  delivery: string | null;
  event: string | null;
  timestamp: string | null;
  verified: boolean;
  body: unknown;
}

const PREFIX = "/webhooks/";

/**
 * A tenant's webhook receiver under `/webhooks/<namespace>` (one per test): verifies each delivery
 * with the documented snippet (401 when it fails), fails the first N as scripted, and records all
 * of them for `/_test/webhooks/received?ns=`.
 */
export function webhookRoutes(): FakeRoute[] {
  const setups = new Map<string, Setup>();
  const received = new Map<string, Received[]>();
  const handle = (req: FakeRequest): FakeResponse => {
    const ns = req.url.pathname.slice(PREFIX.length);
    const setup = setups.get(ns);
    const verified = setup ? verifySwitchboardSignature(setup.secret, req.headers, req.bytes) : false;
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : null;
    };
    received.set(ns, [
      ...(received.get(ns) ?? []),
      {
        delivery: header("x-switchboard-delivery"),
        event: header("x-switchboard-event"),
        timestamp: header("x-switchboard-timestamp"),
        verified,
        body: JSON.parse(req.body),
      },
    ]);
    if (!verified) return { status: 401, json: { error: "bad signature" } };
    if (setup && (setup.failFirst ?? 0) > 0) {
      setup.failFirst = (setup.failFirst ?? 0) - 1;
      return { status: setup.failStatus ?? 500, json: { error: "scripted failure" } };
    }
    return { status: 204, body: "" };
  };
  return [
    { method: "POST", path: `${PREFIX}*`, handle },
    {
      method: "POST",
      path: "/_test/webhooks/setup",
      handle: (req) => {
        const { ns, ...setup } = JSON.parse(req.body) as Setup & { ns: string };
        setups.set(ns, setup);
        return { status: 200, json: { ok: true } };
      },
    },
    {
      method: "GET",
      path: "/_test/webhooks/received",
      handle: (req) => ({ status: 200, json: received.get(req.url.searchParams.get("ns") ?? "") ?? [] }),
    },
  ];
}
