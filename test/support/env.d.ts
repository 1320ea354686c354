// `env` from `cloudflare:workers` in tests: the Worker's Env (generated, plus src/env.ts) and the fakes' URL.
declare namespace Cloudflare {
  interface Env {
    FAKE_SERVICES_URL: string;
  }
}
