import { describe, expect, it } from "vitest";
import { call, randomIp, registerTenant, withinOneRateWindow } from "../../support/api";

describe("GET /api/auth/verify", () => {
  it("is counted under the API rate limit per IP: the 101st call in a minute gets 429", {
    timeout: 30_000,
  }, async () => {
    const tenant = await registerTenant();
    const ip = randomIp();
    await withinOneRateWindow();
    for (let i = 0; i < 100; i++) {
      const response = await call("/api/auth/verify", {
        token: i % 2 ? "not-a-token" : tenant.accessToken,
        ip,
      });
      expect(response.status).toBe(200);
    }
    const limited = await call("/api/auth/verify", { token: "not-a-token", ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect((await call("/api/auth/verify", { token: tenant.accessToken, ip: randomIp() })).status).toBe(200);
  });
});
