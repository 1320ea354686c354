/// <reference path="./provided-context.d.ts" />
// vitest globalSetup of the e2e project: the running app (Postgres, migrations, db proxy, `wrangler dev`)
// in a child process, so its module resolution and output stay out of vitest's way; and the fake
// external APIs (an OpenAI-compatible model for the assistant) that the app may call on loopback.
import type { TestProject } from "vitest/node";
import { spawnAppStack } from "../../scripts/lib/app-stack.ts";
import { startFakeServices } from "../support/node/fake-services.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const fakes = await startFakeServices();
  // Emails go to the fake Resend API, so tests can follow the links they carry.
  const vars = {
    EMAIL_PROVIDER: "resend",
    EMAIL_API_URL: `${fakes.url}/resend`,
    EMAIL_API_KEY: "re_e2e_key",
    EMAIL_FROM: "Switchboard <noreply@switchboard.test>",
    // Telegram channels connect to the fake Bot API.
    TELEGRAM_API_BASE: `${fakes.url}/telegram`,
    // WhatsApp, Messenger and Instagram channels to the fake Graph API (namespace `workers`, as the
    // helpers in test/support/fake-meta.ts address it).
    META_GRAPH_BASE: `${fakes.url}/meta/workers/facebook`,
    INSTAGRAM_GRAPH_BASE: `${fakes.url}/meta/workers/instagram`,
  };
  const stack = await spawnAppStack({ databaseUrl: process.env.TEST_DATABASE_URL, vars }).catch(
    async (error) => {
      await fakes.close();
      throw error;
    },
  );
  const took = Math.round(performance.now() - started);
  process.stderr.write(`[e2e] wrangler dev at ${stack.url} (${stack.databaseKind} Postgres) in ${took} ms\n`);
  project.provide("appUrl", stack.url);
  project.provide("e2eFakeServicesUrl", fakes.url);
  return async () => {
    if (process.env.E2E_SHOW_APP_OUTPUT) process.stderr.write(`${stack.output()}\n`);
    await stack.stop();
    await fakes.close();
  };
}
