import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OutboundError, outboundFetch } from "../../src/providers/outbound";
import { downstream } from "../support/plans";

const policy = { allowPrivate: true, timeoutMs: 2000, maxBytes: 1024, service: "The test API" };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe("outboundFetch", () => {
  it("follows at most 3 redirects", async () => {
    const api = downstream();
    const at = (n: number) => `${env.FAKE_SERVICES_URL}/downstream/${api.ns}/hop/${n}`;
    await api.script({
      "GET /hop/1": { status: 302, location: at(2) },
      "GET /hop/2": { status: 302, location: at(3) },
      "GET /hop/3": { status: 302, location: at(4) },
      "GET /hop/4": { status: 302, location: at(5) },
      "GET /hop/5": { json: { arrived: true } },
    });
    const error = await failure(outboundFetch(at(1), undefined, policy));
    expect(error).toBeInstanceOf(OutboundError);
    expect(error).toMatchObject({ kind: "refused", message: "Too many redirects" });
    expect((await api.requests()).map((r) => r.path)).toEqual(["/hop/1", "/hop/2", "/hop/3", "/hop/4"]);
    const followed = await outboundFetch(at(2), undefined, policy);
    expect(await followed.json()).toEqual({ arrived: true });
  });

  it("refuses a redirect to a URL with credentials or another scheme, even with private addresses allowed", async () => {
    const api = downstream();
    const base = `${env.FAKE_SERVICES_URL}/downstream/${api.ns}`;
    await api.script({
      "GET /creds": { status: 302, location: `${base.replace("http://", "http://user:pw@")}/x` },
      "GET /file": { status: 302, location: "file:///etc/passwd" },
    });
    expect(await failure(outboundFetch(`${base}/creds`, undefined, policy))).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/must not contain credentials/),
    });
    expect(await failure(outboundFetch(`${base}/file`, undefined, policy))).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/must be http\(s\)/),
    });
  });

  it("turns a POST into a GET without its body after a 303, and repeats it after a 307", async () => {
    const api = downstream();
    const base = `${env.FAKE_SERVICES_URL}/downstream/${api.ns}`;
    await api.script({
      "POST /see-other": { status: 303, location: `${base}/result` },
      "POST /temporary": { status: 307, location: `${base}/again` },
    });
    const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"a":1}' };
    await (await outboundFetch(`${base}/see-other`, init, policy)).text();
    await (await outboundFetch(`${base}/temporary`, init, policy)).text();
    expect((await api.requests()).map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/see-other", { a: 1 }],
      ["GET", "/result", null],
      ["POST", "/temporary", { a: 1 }],
      ["POST", "/again", { a: 1 }],
    ]);
  });

  it("fails a response over the size cap while it is read", async () => {
    const api = downstream();
    const base = `${env.FAKE_SERVICES_URL}/downstream/${api.ns}`;
    await api.script({ "GET /big": { bytes: 4096 }, "GET /small": { bytes: 1024 } });
    const big = await outboundFetch(`${base}/big`, undefined, policy);
    expect(await failure(big.text())).toMatchObject({
      kind: "too_large",
      message: "The response is larger than 1024 bytes",
    });
    const small = await outboundFetch(`${base}/small`, undefined, policy);
    expect(await small.text()).toHaveLength(1024);
  });
});
