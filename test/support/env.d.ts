// Types for `cloudflare:workers` in tests: the Worker's bindings and its main module's exports.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../../src/index");
  }
  interface Env extends Omit<import("../../src/env").Env, never> {
    FAKE_SERVICES_URL: string;
  }
}
