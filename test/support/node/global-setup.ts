/// <reference path="../provided-context.d.ts" />
// vitest globalSetup. The Cloudflare plugin resolves every module for workerd (browser conditions, deps
// inlined), even here, so Node-only code (pg, ws, PGlite) runs in a child process with real Node
// resolution: test-services.ts. It prints its URLs as one JSON line and stops when we close its stdin.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const START_TIMEOUT_MS = 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const child = spawn(`${root}node_modules/.bin/tsx`, ["test/support/node/test-services.ts"], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const teardown = () => stopChild(child, exited);
  try {
    const urls = await readUrls(child);
    project.provide("databaseUrl", urls.databaseUrl);
    project.provide("dbProxyUrl", urls.dbProxyUrl);
    project.provide("fakeServicesUrl", urls.fakeServicesUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

interface ServiceUrls {
  databaseUrl: string;
  dbProxyUrl: string;
  fakeServicesUrl: string;
}

function readUrls(child: ChildProcess): Promise<ServiceUrls> {
  if (!child.stdout) throw new Error("test-services has no stdout");
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`test-services did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    lines.once("line", (line) => {
      clearTimeout(timer);
      const parsed: unknown = JSON.parse(line);
      if (isServiceUrls(parsed)) resolve(parsed);
      else reject(new Error(`test-services printed an unexpected line: ${line}`));
    });
    lines.once("close", () => {
      clearTimeout(timer);
      reject(new Error("test-services exited before it was ready (see its output above)"));
    });
  });
}

function isServiceUrls(value: unknown): value is ServiceUrls {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return ["databaseUrl", "dbProxyUrl", "fakeServicesUrl"].every((key) => typeof record[key] === "string");
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
