// Values test/e2e/global-setup.ts provides to the e2e tests (`inject`).
export {};

declare module "vitest" {
  interface ProvidedContext {
    /** `http://127.0.0.1:PORT` of `wrangler dev` running the whole app. */
    appUrl: string;
    /** `http://127.0.0.1:PORT` of the fake external APIs (OpenAI-compatible model under /openai/v1). */
    e2eFakeServicesUrl: string;
  }
}
