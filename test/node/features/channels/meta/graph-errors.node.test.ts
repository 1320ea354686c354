import { describe, expect, it } from "vitest";
import { failureForCode, graphFailure } from "../../../../../src/features/channels/meta/graph-errors";
import { graphErrorBody } from "../../../../support/fake-meta";

const none = new Headers();
const failure = (status: number, code: number, message: string, subcode?: number, headers = none) => {
  const error = graphFailure(status, graphErrorBody(code, message, subcode), headers);
  return { failure: error.failure, code: error.code, retryAfterMs: error.retryAfterMs };
};

describe("Graph error mapping", () => {
  it("maps the window, rate-limit and token codes to their typed failures", () => {
    expect(failure(400, 131047, "Re-engagement message")).toEqual({
      failure: "WINDOW_CLOSED",
      code: "131047",
      retryAfterMs: undefined,
    });
    expect(failure(400, 10, "(#10) This message is sent outside of allowed window.", 2018278).failure).toBe(
      "WINDOW_CLOSED",
    );
    expect(failure(400, 10, "(#10) This message is sent outside of allowed window.").failure).toBe(
      "WINDOW_CLOSED",
    );
    for (const code of [130429, 4, 17, 32, 613])
      expect(failure(400, code, "limit").failure, String(code)).toBe("RATE_LIMITED");
    expect(failure(400, 190, "Error validating access token", 463)).toEqual({
      failure: "TOKEN_INVALID",
      code: "190.463",
      retryAfterMs: undefined,
    });
    expect(failure(400, 131026, "Message undeliverable")).toEqual({
      failure: "UNDELIVERABLE",
      code: "131026",
      retryAfterMs: undefined,
    });
  });

  it("does not take every (#10) permission error for a closed window", () => {
    expect(failure(403, 10, "(#10) Application does not have permission for this action").failure).toBe(
      "UNDELIVERABLE",
    );
  });

  it("gives the pair rate limit a 6 s wait, and honours Retry-After and the usage headers' regain time", () => {
    expect(failure(400, 131056, "Pair rate limit hit").retryAfterMs).toBe(6000);
    expect(
      failure(429, 130429, "Rate limit hit", undefined, new Headers({ "Retry-After": "7" })).retryAfterMs,
    ).toBe(7000);
    const usage = JSON.stringify({
      "109876543210": [{ type: "messenger", call_count: 100, estimated_time_to_regain_access: 3 }],
    });
    expect(
      failure(
        400,
        32,
        "Page request limit reached",
        undefined,
        new Headers({ "X-Business-Use-Case-Usage": usage }),
      ).retryAfterMs,
    ).toBe(180_000);
  });

  it("treats 5xx and transient Graph errors as try-again-later, and a non-Graph body by its status", () => {
    expect(failure(500, 131000, "Something went wrong").failure).toBe("RATE_LIMITED");
    expect(failure(503, 2, "Service temporarily unavailable").failure).toBe("RATE_LIMITED");
    expect(graphFailure(502, "<html>Bad gateway</html>", none)).toMatchObject({
      failure: "RATE_LIMITED",
      code: "http_502",
    });
    expect(graphFailure(404, undefined, none)).toMatchObject({ failure: "UNDELIVERABLE", code: "http_404" });
  });

  it("maps a failed WhatsApp status's error code the same way", () => {
    expect(failureForCode(131047)).toBe("WINDOW_CLOSED");
    expect(failureForCode(131026)).toBe("UNDELIVERABLE");
    expect(failureForCode(190)).toBe("TOKEN_INVALID");
  });

  it("keeps Meta's message text out of the error's message", () => {
    const error = graphFailure(400, graphErrorBody(131026, "Message to +4915112345678 failed"), none);
    expect(error.message).toBe("Meta Graph API: UNDELIVERABLE (131026)");
  });
});
