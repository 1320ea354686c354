import { describe, expect, it } from "vitest";
import { metaHandshake, verifyMetaSignature } from "../../../src/features/channels/meta/meta-signature";
import { metaJson, signedDelivery, waText, whatsappDelivery } from "../../support/fake-meta";

const SECRET = "0123456789abcdef0123456789abcdef";
const raw = (body: string) => new TextEncoder().encode(body).buffer as ArrayBuffer;

// Runs in workerd: verification relies on crypto.subtle.timingSafeEqual, a Workers extension.
describe("X-Hub-Signature-256", () => {
  const payload = whatsappDelivery("1", "2", [
    {
      contacts: [{ wa_id: "49151", name: "Jürgen Müller" }],
      messages: [waText("49151", "wamid.X", 1_764_590_400_000, "Grüße 👋 https://x.test/a")],
    },
  ]);

  it("verifies Meta's exact bytes (unicode escaped), and not the same JSON re-stringified", async () => {
    const delivery = await signedDelivery(payload, SECRET);
    expect(delivery.body).toContain("J\\u00fcrgen");
    expect(delivery.body).toContain("\\ud83d\\udc4b");
    const headers = new Headers(delivery.headers);
    expect(await verifyMetaSignature(raw(delivery.body), headers, SECRET)).toBe(true);
    const restringified = JSON.stringify(JSON.parse(delivery.body));
    expect(restringified).not.toBe(delivery.body);
    expect(await verifyMetaSignature(raw(restringified), headers, SECRET)).toBe(false);
  });

  it("refuses another secret, a changed byte, a missing or malformed header", async () => {
    const { body, headers } = await signedDelivery(payload, SECRET);
    const signature = headers["X-Hub-Signature-256"];
    expect(await verifyMetaSignature(raw(body), new Headers(headers), "another-secret")).toBe(false);
    expect(
      await verifyMetaSignature(raw(body.replace("wamid.X", "wamid.Y")), new Headers(headers), SECRET),
    ).toBe(false);
    const check = (value?: string) =>
      verifyMetaSignature(
        raw(body),
        new Headers(value === undefined ? {} : { "X-Hub-Signature-256": value }),
        SECRET,
      );
    expect(await check()).toBe(false);
    expect(await check("")).toBe(false);
    expect(await check(signature.slice("sha256=".length))).toBe(false);
    expect(await check(`sha1=${signature.slice(7)}`)).toBe(false);
    expect(await check(`${signature}00`)).toBe(false);
    expect(await check(`sha256=${"z".repeat(64)}`)).toBe(false);
    expect(await check(signature.toUpperCase().replace("SHA256=", "sha256="))).toBe(true);
    expect(await verifyMetaSignature(raw(body), new Headers(headers), "")).toBe(false);
  });

  it("signs a string body as given (a test can send bytes Meta would)", async () => {
    const body = metaJson({ object: "page", entry: [] });
    const delivery = await signedDelivery(body, SECRET);
    expect(delivery.body).toBe(body);
    expect(await verifyMetaSignature(raw(body), new Headers(delivery.headers), SECRET)).toBe(true);
  });
});

describe("Meta's subscription handshake", () => {
  const query = (entries: Record<string, string>) => new URLSearchParams(entries);

  it("echoes the challenge only for mode subscribe with the right verify token", () => {
    const good = { "hub.mode": "subscribe", "hub.verify_token": "vt_123", "hub.challenge": "1158201444" };
    expect(metaHandshake(query(good), "vt_123")).toBe("1158201444");
    expect(metaHandshake(query({ ...good, "hub.verify_token": "vt_124" }), "vt_123")).toBeNull();
    expect(metaHandshake(query({ ...good, "hub.verify_token": "vt_12" }), "vt_123")).toBeNull();
    expect(metaHandshake(query({ ...good, "hub.mode": "unsubscribe" }), "vt_123")).toBeNull();
    expect(
      metaHandshake(query({ "hub.mode": "subscribe", "hub.verify_token": "vt_123" }), "vt_123"),
    ).toBeNull();
    expect(metaHandshake(query({ ...good, "hub.verify_token": "" }), "")).toBeNull();
  });
});
