// Values test/support/node/global-setup.ts provides to vitest.config.ts and to tests (`inject`).
export {};

declare module "vitest" {
  interface ProvidedContext {
    /** Postgres URL the Worker reaches through the db proxy (host:port is the proxy's allow-listed target). */
    databaseUrl: string;
    /** `ws://127.0.0.1:PORT` of the WebSocket→TCP proxy for @neondatabase/serverless. */
    dbProxyUrl: string;
    /** `http://127.0.0.1:PORT` of the fake external APIs (Resend under /resend, inspection under /_test). */
    fakeServicesUrl: string;
  }
}
