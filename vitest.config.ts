/// <reference path="./test/support/provided-context.d.ts" />
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    // Runs after globalSetup, so inject() sees the servers it started.
    cloudflareTest(async ({ inject }) => {
      const fakeServicesUrl = inject("fakeServicesUrl");
      return {
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            DATABASE_URL: inject("databaseUrl"),
            DB_PROXY_URL: inject("dbProxyUrl"),
            FAKE_SERVICES_URL: fakeServicesUrl,
            JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
            EMAIL_PROVIDER: "resend",
            EMAIL_API_URL: `${fakeServicesUrl}/resend`,
            EMAIL_API_KEY: "re_test_key",
            EMAIL_FROM: "Switchboard <noreply@switchboard.test>",
            CORS_ORIGINS: "http://localhost:8787,https://app.example.test",
          },
        },
      };
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/support/node/global-setup.ts"],
    testTimeout: 15_000,
    hookTimeout: 30_000,
    // The Worker logs one JSON line per request; show warnings and errors only.
    onConsoleLog: (log) => !/^\{"level":"(info|debug)"/.test(log),
  },
});
