import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";

// A private PostgreSQL from the machine's server binaries: initdb in a temp dir, loopback only, password
// auth, durability off for speed. stop() shuts it down fast and deletes everything.
//
// Password auth is `password` (the client sends it, the server checks it against the stored SCRAM
// secret), as Neon's proxy asks of the serverless driver: with `scram-sha-256` the driver computes
// SCRAM's 4,096 HMAC rounds in JavaScript on every new connection (~50–100 ms of Worker CPU per request
// locally), a cost the deployed Worker on Neon never pays. Loopback only, so nothing travels the network.

const DATABASE = "switchboard";

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The directory holding initdb and postgres, if a PostgreSQL server is installed. */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim());
  } catch {
    // pg_config is missing: fall back to Debian's versioned layout below.
  }
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debianRoot, version, "bin")));
  }
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres")));
}

interface OsUser {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root, so as root the server runs as the `postgres` OS user. */
function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Creates and starts a fresh cluster with a `switchboard` database; the URL carries a random password. */
export async function startThrowaway(
  bindir: string,
  log: (line: string) => void,
  fixedPort?: number,
): Promise<ThrowawayPostgres> {
  const started = performance.now();
  const user = serverUser();
  const root = mkdtempSync(join(tmpdir(), "switchboard-pg-"));
  const dataDir = join(root, "data");
  const socketDir = join(root, "sock");
  mkdirSync(socketDir);
  if (user) chownSync(root, user.uid, user.gid);
  if (user) chownSync(socketDir, user.uid, user.gid);
  const password = randomBytes(18).toString("hex");
  const pwfile = join(root, "pwfile");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  const removeRoot = () => rmSync(root, { recursive: true, force: true });

  try {
    await run(
      join(bindir, "initdb"),
      [
        ...["-D", dataDir, "-U", "postgres", "-A", "password", `--pwfile=${pwfile}`],
        ...["-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
      ],
      { cwd: root, user },
    );
  } catch (error) {
    removeRoot();
    throw error;
  } finally {
    rmSync(pwfile, { force: true });
  }

  let server: LaunchedServer | undefined;
  try {
    // A free port can be taken between our probe and postgres binding it: retry on a fresh one.
    for (let attempt = 1; !server; attempt++) {
      try {
        server = await launch(bindir, dataDir, socketDir, password, user, log, fixedPort);
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  } catch (error) {
    removeRoot();
    throw error;
  }
  const { port, stop: stopServer } = server;
  const stop = async () => {
    await stopServer();
    removeRoot();
  };
  try {
    const admin = new pg.Client({
      connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
  } catch (error) {
    await stop();
    throw error;
  }
  log(`throwaway PostgreSQL on 127.0.0.1:${port} ready in ${Math.round(performance.now() - started)} ms`);
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`, stop };
}

interface LaunchedServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts postgres on a free port and waits until it accepts connections; stops it again on failure. */
async function launch(
  bindir: string,
  dataDir: string,
  socketDir: string,
  password: string,
  user: OsUser | undefined,
  log: (line: string) => void,
  fixedPort?: number,
): Promise<LaunchedServer> {
  const port = fixedPort ?? (await freePort());
  const server = spawn(
    join(bindir, "postgres"),
    [
      ...["-D", dataDir, "-p", String(port), "-k", socketDir],
      ...["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"],
      ...["-c", "full_page_writes=off", "-c", "max_connections=200"],
    ],
    { cwd: dirname(dataDir), stdio: ["ignore", "pipe", "pipe"], ...(user ?? {}) },
  );
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  const recent: string[] = [];
  for (const stream of [server.stdout, server.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean)) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
        log(line);
      }
    });
  }
  const stop = () => stopProcess(server, exited);
  try {
    await waitForServer(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, exited, recent);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

interface RunOptions {
  cwd: string;
  user: OsUser | undefined;
}

function run(command: string, args: string[], options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.user ?? {}),
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

async function waitForServer(url: string, exited: Promise<number | null>, output: string[]): Promise<void> {
  let stopped = false;
  void exited.then(() => (stopped = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (stopped) throw new Error(`postgres exited during start:\n${output.join("\n")}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`postgres did not accept connections within 30 s:\n${output.join("\n")}`);
}

/** SIGINT is postgres' fast shutdown: roll back open transactions, disconnect clients, exit. */
async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
