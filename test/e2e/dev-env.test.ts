// `npm run dev` itself (scripts/dev.ts), started as a user does, with configuration in its environment:
// `ALLOW_PRIVATE_OUTBOUND=false npm run dev` used to keep wrangler.toml's "true", so the outbound
// rules could not be tried locally as they run in production.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSED_THROUGH } from "../../scripts/lib/dev-env.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { waitForHealthy } from "../../scripts/lib/wrangler-dev.ts";
import { registerStaff } from "./support/staff.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
let dev: ChildProcess;
let exited: Promise<unknown>;
let base: string;
let port: number;
const output: string[] = [];

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  dev = spawn(join(root, "node_modules", ".bin", "tsx"), ["scripts/dev.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...inherited,
      PORT: String(port),
      ALLOW_PRIVATE_OUTBOUND: "false",
      GIT_COMMIT: "passed-through",
      EMBEDDINGS_API_URL: "http://127.0.0.1:9/v1",
      EMBEDDINGS_MODEL: "model-from-the-environment",
    },
  });
  for (const stream of [dev.stdout, dev.stderr])
    stream?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  exited = new Promise((resolve) => dev.once("exit", resolve));
  if (!(await waitForHealthy(`${base}/health`, exited, 110_000))) {
    throw new Error(`npm run dev did not come up:\n${output.join("")}`);
  }
});

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill("SIGTERM");
    await exited;
  }
  if (port) rmSync(join(root, ".data", String(port)), { recursive: true, force: true });
});

describe("npm run dev's environment", () => {
  it("passes documented variables through to the Worker, over wrangler.toml's local values", async () => {
    const status = await (await fetch(`${base}/api/status`)).json();
    expect(status, output.join("")).toMatchObject({
      commit: "passed-through",
      providers: { embeddings: "openai-compatible (model-from-the-environment)" },
    });
    const staff = await registerStaff(base);
    const response = await fetch(`${base}/api/ai/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${staff.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        defaultModel: { provider: "custom", baseUrl: "http://127.0.0.1:11434/v1", model: "llama3" },
      }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/private or loopback/);
    expect(output.join("")).toMatch(/from the environment: .*ALLOW_PRIVATE_OUTBOUND/);
  });

  it("passes every setting of the config schema but the three it owns", () => {
    const source = readFileSync(join(root, "src", "env.ts"), "utf8");
    const schema = source.slice(source.indexOf("const configSchema = z"), source.indexOf(".superRefine("));
    const variables = [...schema.matchAll(/^ {4}([A-Z0-9_]+): /gm)]
      .map((match) => match[1])
      .filter((name) => !["ENVIRONMENT", "DATABASE_URL", "DB_PROXY_URL"].includes(name ?? ""));
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((name) => !PASSED_THROUGH.includes(name ?? ""))).toEqual([]);
  });
});
