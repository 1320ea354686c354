import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface WranglerDevOptions {
  root: string;
  port: number;
  inspectorPort: number;
  persistTo: string;
  /** Secrets and vars for the Worker (none for a Worker that needs none). */
  envFile?: string;
  /**
   * Another wrangler.toml than the root's (e.g. the benchmark's floor Worker); then the document
   * processor (wrangler.processor.toml) is not started beside it.
   */
  config?: string;
  /** wrangler's --log-level (e.g. "warn" to leave out a line per request). */
  logLevel?: string;
}

export interface WranglerDev {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once wrangler has exited. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

/**
 * The processor Worker as a second `--config` of the same `wrangler dev` (one workerd: shared queues,
 * R2 and the inbox Durable Object through its script_name). wrangler gives a second config no
 * `--env-file`, only a `.dev.vars` beside it, so this instance gets its own copy of the config with one.
 */
function processorConfig(opts: WranglerDevOptions): string[] {
  const source = join(opts.root, "wrangler.processor.toml");
  if (!existsSync(source)) return [];
  const dir = join(dirname(opts.persistTo), "processor");
  mkdirSync(dir, { recursive: true });
  const config = readFileSync(source, "utf8").replace(
    /^main = "([^"]+)"$/m,
    (_, main: string) => `main = ${JSON.stringify(join(opts.root, main))}`,
  );
  writeFileSync(join(dir, "wrangler.toml"), config);
  writeFileSync(join(dir, ".dev.vars"), opts.envFile ? readFileSync(opts.envFile) : "", { mode: 0o600 });
  return ["--config", join(dir, "wrangler.toml")];
}

/** Starts `wrangler dev` for this instance (and the processor); its output goes straight to the terminal. */
export function startWranglerDev(opts: WranglerDevOptions): WranglerDev {
  const args = [
    "dev",
    ...["--port", String(opts.port), "--ip", "127.0.0.1"],
    ...["--inspector-port", String(opts.inspectorPort), "--inspector-ip", "127.0.0.1"],
    ...["--persist-to", opts.persistTo],
    ...(opts.envFile ? ["--env-file", opts.envFile] : []),
    ...(opts.config ? ["--config", opts.config] : ["--config", "wrangler.toml", ...processorConfig(opts)]),
    ...(opts.logLevel ? ["--log-level", opts.logLevel] : []),
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(join(opts.root, "node_modules", ".bin", "wrangler"), args, {
    cwd: opts.root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      // Secrets come only from our env file, never from this process' environment.
      CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
      CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
    },
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? 0));
    child.once("error", (error) => {
      console.error(`[dev] could not start wrangler: ${error.message}`);
      resolve(1);
    });
  });
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `url` until it answers 2xx (any status with `anyStatus`); false if `exited` settles or the
 * timeout passes first.
 */
export async function waitForHealthy(
  url: string,
  exited: Promise<unknown>,
  timeoutMs = 90_000,
  anyStatus = false,
): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok || anyStatus) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
