// `npm run bench:realtime`: message delivery latency through ConversationRoom objects under `wrangler dev`
// on loopback. Base load: 20 rooms, each 1 sender + 5 listeners, 50 msg/s per room, 200 messages per sender.
// Then the per-room rate steps up until p99 passes 100 ms; the highest rate that stayed under it (with no
// loss) is the saturation rate. BENCH_URL=http://127.0.0.1:8787 uses a running `npm run dev` instead of
// starting a throwaway stack. Everything is bounded: a fixed list of steps, a few seconds each.
// BENCH_PROFILE=1 (or a path prefix) also records CPU profiles of workerd while the sockets join and during
// the base step, and prints where the server spent its time (needs the stack started here, or
// BENCH_INSPECTOR_PORT). BENCH_FLOOR=1 runs the same load against scripts/bench-floor/worker.js instead: a
// room that only stores, acks and broadcasts — what local workerd itself costs, the floor under any room.
// BENCH_RUNTIME=miniflare runs either one as the deploy bundle in one workerd process through Miniflare's
// API, without wrangler dev's proxy in front (the production-like mode; default: wrangler-dev).
// BENCH_OUTAGE_SECONDS=n (the app only): Postgres sits behind a TCP proxy that refuses and resets every
// connection for n seconds, from one second into the base step; at the end every room's messages are
// counted in Postgres itself (each seq once, none missing). Its CPU is then outside the stack's.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";
import WebSocket from "ws";
import { type SpawnedAppStack, spawnAppStack } from "./lib/app-stack.ts";
import { type Profiler, saveProfile, startProfiler } from "./lib/cpu-profile.ts";
import { startCuttableProxy } from "./lib/cuttable-proxy.ts";
import { freePort } from "./lib/free-port.ts";
import { startMiniflareApp } from "./lib/miniflare-app.ts";
import { startPostgres } from "./lib/postgres.ts";
import { descendants } from "./lib/proc-tree.ts";
import { startWranglerDev, waitForHealthy } from "./lib/wrangler-dev.ts";

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROOMS = env("BENCH_ROOMS", 20);
const LISTENERS = env("BENCH_LISTENERS", 5);
const BASE_RATE = env("BENCH_RATE", 50); // messages per second per room
const BASE_MESSAGES = env("BENCH_MESSAGES", 200); // per sender
const STEP_SECONDS = env("BENCH_STEP_SECONDS", 4);
// Per-room rates to try after the base step: upwards while p99 stays under the limit, or, when the base
// load is already over it, downwards until a rate holds.
const RATES = (process.env.BENCH_RATES ?? "2,3,4,5,10,15,25,35,75,100,150,200,300,400,600,800")
  .split(",")
  .map(Number);
const P99_LIMIT_MS = 100;
const FLOOR = Boolean(process.env.BENCH_FLOOR);
const RUNTIME = process.env.BENCH_RUNTIME === "miniflare" ? "miniflare" : "wrangler-dev";
const OUTAGE_SECONDS = env("BENCH_OUTAGE_SECONDS", 0);
/** A step ends when everything arrived, or nothing arrived for this long (the rest is lost), or at the cap. */
const DRAIN_QUIET_MS = 10_000;
const DRAIN_CAP_MS = 90_000;

interface Step {
  label: string;
  ratePerRoom: number;
  messagesPerSender: number;
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface StepResult extends Step {
  targetRate: number;
  achievedRate: number;
  expected: number;
  delivered: number;
  duplicates: number;
  outOfOrder: number;
  latency: Percentiles;
  ack: Percentiles;
  clientLoopP99: number;
  clientCpu: number;
  machineCpu: number;
  /** CPU seconds the stack's processes used during the step, by process name (workerd, postgres, node). */
  serverCpu: Map<string, number> | undefined;
  /** How long after the last delivery the rooms' outboxes were empty (the app only). */
  settleMs: number;
}

/** What one step sent and when, and what came back: shared by every socket. */
class Tracker {
  readonly sentAt = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly acks: number[] = [];
  deliveries = 0;
  /** When any socket last received any frame (a backlog from an overloaded step still arriving). */
  lastFrameAt = 0;
  onDelivery: () => void = () => {};

  reset(): void {
    this.sentAt.clear();
    this.latencies.length = 0;
    this.acks.length = 0;
    this.deliveries = 0;
  }
}

/** One bench socket. Listeners count deliveries, duplicates (by clientId) and reordering (by seq). */
class Peer {
  lastSeq = 0;
  seen = new Set<string>();
  duplicates = 0;
  outOfOrder = 0;
  readonly ready: Promise<void>;

  constructor(
    readonly socket: WebSocket,
    private readonly tracker: Tracker,
    private readonly listener: boolean,
  ) {
    this.ready = new Promise((resolve, reject) => {
      socket.on("message", (data) => {
        tracker.lastFrameAt = performance.now();
        const frame = JSON.parse(String(data)) as { type: string; lastSeq?: number };
        if (frame.type === "ready") {
          this.lastSeq = frame.lastSeq ?? 0;
          resolve();
        } else this.receive(frame, performance.now());
      });
      socket.on("error", reject); // Only the first settles the promise; later errors end in a close.
      socket.once("close", (code) => reject(new Error(`socket closed (${code}) before ready`)));
    });
    this.ready.catch(() => {}); // Awaited by the caller; never an unhandled rejection meanwhile.
  }

  private receive(frame: { type: string; seq?: number; clientId?: string }, now: number): void {
    const sent = frame.clientId ? this.tracker.sentAt.get(frame.clientId) : undefined;
    if (sent === undefined || !frame.clientId) return; // Not this step's.
    if (frame.type === "ack") this.tracker.acks.push(now - sent);
    if (frame.type !== "message" || frame.seq === undefined || !this.listener) return;
    if (this.seen.has(frame.clientId)) {
      this.duplicates++;
      return;
    }
    this.seen.add(frame.clientId);
    if (frame.seq <= this.lastSeq) this.outOfOrder++;
    this.lastSeq = Math.max(this.lastSeq, frame.seq);
    this.tracker.latencies.push(now - sent);
    this.tracker.deliveries++;
    this.tracker.onDelivery();
  }

  reset(): void {
    this.seen.clear();
    this.duplicates = 0;
    this.outOfOrder = 0;
  }
}

interface Room {
  sender: Peer;
  listeners: Peer[];
}

/** What `run` needs of a server: where it is, and (when started here) its inspector and process. */
interface Target {
  base: string;
  /** BENCH_OUTAGE_SECONDS: cuts Postgres off for that long, one second after it is called. */
  outage?: () => void;
  /** BENCH_OUTAGE_SECONDS: counts the run's messages in Postgres (`sent` in all) and says what it found. */
  checkPostgres?: (sent: number) => Promise<void>;
  inspectorPort?: number;
  pid?: number;
  output?: () => string;
  stop?: () => Promise<void>;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_URL?.replace(/\/+$/, "");
  if (url && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(url)) {
    throw new Error(`BENCH_URL must be a loopback URL (this benchmark stays on the machine), got ${url}`);
  }
  const started = performance.now();
  const target: Target = url
    ? { base: url, inspectorPort: Number(process.env.BENCH_INSPECTOR_PORT ?? 0) || undefined }
    : FLOOR
      ? await startFloor()
      : await startApp();
  if (!url) say(`${RUNTIME} at ${target.base} ready in ${ms(performance.now() - started)}`);
  try {
    await run(target);
  } catch (error) {
    if (target.output) {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // Let the server's own log of it arrive.
      console.error(
        `[bench] the server's last output:\n${target.output().split("\n").slice(-40).join("\n")}`,
      );
    }
    throw error;
  } finally {
    await target.stop?.();
  }
}

async function startApp(): Promise<Target> {
  if (OUTAGE_SECONDS > 0) return startAppWithOutage();
  const stack: SpawnedAppStack = await spawnAppStack({
    databaseUrl: process.env.TEST_DATABASE_URL,
    runtime: RUNTIME,
  });
  say(`the app with ${stack.databaseKind} Postgres`);
  return {
    base: stack.url,
    inspectorPort: stack.inspectorPort,
    pid: stack.pid,
    output: () => stack.output(),
    stop: () => stack.stop(),
  };
}

/** The app with Postgres behind a proxy the bench can cut, and a count of what reached Postgres. */
async function startAppWithOutage(): Promise<Target> {
  const server = await startPostgres({ url: process.env.TEST_DATABASE_URL });
  const real = new URL(server.url);
  const proxy = await startCuttableProxy(`tcp://${real.host}`);
  const proxied = new URL(server.url);
  proxied.host = new URL(proxy.url).host;
  const stack = await spawnAppStack({ databaseUrl: proxied.toString(), runtime: RUNTIME });
  const startedAt = new Date();
  say(`the app with ${server.kind} Postgres behind a proxy cut for ${OUTAGE_SECONDS} s in the base step`);
  return {
    base: stack.url,
    inspectorPort: stack.inspectorPort,
    pid: stack.pid,
    output: () => stack.output(),
    outage: () => {
      setTimeout(() => {
        proxy.cut();
        say(`Postgres cut off (${OUTAGE_SECONDS} s)`);
        let up = false;
        void proxy.refused(1).then(() => !up && say("a connection to Postgres was refused during the cut"));
        setTimeout(() => {
          up = true;
          proxy.restore();
          say("Postgres back");
        }, OUTAGE_SECONDS * 1000);
      }, 1000);
    },
    checkPostgres: async (sent) => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ rooms: number; stored: number; gaps: number; texts: number }>(
          `select count(*)::int as rooms, coalesce(sum(n), 0)::int as stored,
             count(*) filter (where n <> last)::int as gaps, coalesce(sum(texts), 0)::int as texts
           from (select count(*) as n, max(m.seq) as last, count(distinct m.client_id) as texts
                 from messages m join conversations c on c.id = m.conversation_id
                 where c.channel = 'bench' and c.created_at >= $1 group by m.conversation_id) r`,
          [startedAt],
        );
        const found = rows[0];
        const whole = found?.stored === sent && found.gaps === 0 && found.texts === sent;
        say(
          `in Postgres after the outage: ${found?.stored} of ${sent} messages over ${found?.rooms} rooms, ${found?.gaps} rooms with a gap, ${found?.texts} distinct client ids: ${whole ? "none lost or duplicated" : "MISMATCH"}`,
        );
        if (!whole) process.exitCode = 1;
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await stack.stop();
      await proxy.close();
      await server.stop();
    },
  };
}

async function startFloor(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-floor-"));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  if (RUNTIME === "miniflare") {
    const worker = await startMiniflareApp({
      root: process.cwd(),
      config: "scripts/bench-floor/wrangler.toml",
      outdir: join(dir, "bundle"),
      port,
      inspectorPort,
      vars: {},
    });
    say("the floor Worker (scripts/bench-floor/worker.js) in Miniflare, not the app");
    // workerd runs as a child of this process: the CPU of the stack is measured from here.
    return { base: worker.url, inspectorPort, pid: process.pid, stop: worker.stop };
  }
  const wrangler = startWranglerDev({
    root: process.cwd(),
    port,
    inspectorPort,
    persistTo: dir,
    config: "scripts/bench-floor/wrangler.toml",
    logLevel: "warn",
  });
  const stop = async () => {
    await wrangler.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  // The floor Worker answers 404 JSON to plain GETs: any answer means it is up.
  if (!(await waitForHealthy(`${base}/`, wrangler.exited, 90_000, true))) {
    await stop();
    throw new Error("the floor Worker did not start");
  }
  say("the floor Worker (scripts/bench-floor/worker.js), not the app");
  return { base, inspectorPort, pid: wrangler.child.pid, stop };
}

async function run({ base, inspectorPort, pid: stackPid, outage, checkPostgres }: Target): Promise<void> {
  say(
    `machine: ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}`,
  );
  const { roomUrl, settled } = FLOOR
    ? { roomUrl: floorRooms(base), settled: undefined }
    : await appRooms(base);
  const tracker = new Tracker();
  const setupStarted = performance.now();
  const joinProfiler = await maybeProfile(inspectorPort);
  const rooms: Room[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const url = await roomUrl(r);
    const open = (listener: boolean) =>
      new Peer(new WebSocket(url, { perMessageDeflate: false }), tracker, listener);
    const room = { sender: open(false), listeners: Array.from({ length: LISTENERS }, () => open(true)) };
    // Room by room, so joining stays a bounded burst.
    await Promise.all([room.sender, ...room.listeners].map((peer) => peer.ready));
    rooms.push(room);
  }
  if (joinProfiler) await reportProfile(joinProfiler, "join");
  const sockets = ROOMS * (1 + LISTENERS);
  say(
    `${ROOMS} rooms × (1 sender + ${LISTENERS} listeners) = ${sockets} sockets joined in ${ms(performance.now() - setupStarted)}`,
  );

  const holds = (r: StepResult) => r.delivered === r.expected && r.latency.p99 <= P99_LIMIT_MS;
  const profiler = await maybeProfile(inspectorPort);
  outage?.();
  const baseResult = await runStep(
    0,
    { label: "base", ratePerRoom: BASE_RATE, messagesPerSender: BASE_MESSAGES },
    rooms,
    tracker,
    stackPid,
    settled,
  );
  if (profiler) await reportProfile(profiler, "base");
  printStep(baseResult);
  const results = [baseResult];
  const up = holds(baseResult);
  const ladder = up
    ? RATES.filter((rate) => rate > BASE_RATE).sort((a, b) => a - b)
    : RATES.filter((rate) => rate < BASE_RATE).sort((a, b) => b - a);
  for (const [n, rate] of ladder.entries()) {
    await quiet(tracker);
    const step = {
      label: up ? "up" : "down",
      ratePerRoom: rate,
      messagesPerSender: Math.ceil(rate * STEP_SECONDS),
    };
    const result = await runStep(n + 1, step, rooms, tracker, stackPid, settled);
    results.push(result);
    printStep(result);
    if (holds(result) !== up) break; // Up: the first rate over the limit. Down: the first rate that holds.
  }
  for (const room of rooms) for (const peer of [room.sender, ...room.listeners]) peer.socket.close(1000);
  printSummary(results);
  await checkPostgres?.(results.reduce((sum, r) => sum + r.messagesPerSender * ROOMS, 0));
}

/** Waits until no frame has arrived for a second (an overloaded step's backlog has drained), at most 60 s. */
async function quiet(tracker: Tracker): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() - tracker.lastFrameAt < 1000 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runStep(
  index: number,
  step: Step,
  rooms: Room[],
  tracker: Tracker,
  stackPid: number | undefined,
  settled?: () => Promise<number>,
): Promise<StepResult> {
  tracker.reset();
  for (const room of rooms) for (const peer of room.listeners) peer.reset();
  const expected = rooms.length * LISTENERS * step.messagesPerSender;
  const interval = 1000 / step.ratePerRoom;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const serverBefore = stackPid ? treeCpu(stackPid) : undefined;

  // Each room sends on its own clock, offset so the rooms' sends interleave instead of bursting together.
  const sent = new Array<number>(rooms.length).fill(0);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      let done = true;
      for (const [r, room] of rooms.entries()) {
        const due = Math.min(
          step.messagesPerSender,
          Math.floor((elapsed - (r * interval) / rooms.length) / interval) + 1,
        );
        let n = sent[r] ?? 0;
        for (; n < due; n++) {
          const clientId = `s${index}-r${r}-${n}`;
          tracker.sentAt.set(clientId, performance.now());
          room.sender.socket.send(JSON.stringify({ type: "message", clientId, text: `bench message ${n}` }));
        }
        sent[r] = n;
        if (n < step.messagesPerSender) done = false;
      }
      if (done) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendSeconds = (performance.now() - start) / 1000;

  // Drain: an overloaded server delivers late, not never; only what has not come once it went quiet is lost.
  await new Promise<void>((resolve) => {
    const cap = performance.now() + DRAIN_CAP_MS;
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - tracker.lastFrameAt > DRAIN_QUIET_MS || now > cap) done();
    }, 100);
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    tracker.onDelivery = () => {
      if (tracker.deliveries >= expected) done();
    };
    tracker.onDelivery();
  });
  tracker.onDelivery = () => {};
  // The step's messages cost their copy to Postgres too: an overloaded run would otherwise leave its
  // flushes (starved behind the backlog) outside the window and look cheaper than one that keeps up.
  const settleMs = settled ? await settled() : 0;
  loop.disable();
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineTicks();
  const serverAfter = stackPid ? treeCpu(stackPid) : undefined;
  const listeners = rooms.flatMap((room) => room.listeners);
  const sum = (pick: (peer: Peer) => number) => listeners.reduce((total, peer) => total + pick(peer), 0);
  return {
    ...step,
    targetRate: step.ratePerRoom * rooms.length,
    achievedRate: (rooms.length * step.messagesPerSender) / sendSeconds,
    expected,
    delivered: tracker.deliveries,
    duplicates: sum((peer) => peer.duplicates),
    outOfOrder: sum((peer) => peer.outOfOrder),
    latency: percentiles(tracker.latencies),
    ack: percentiles(tracker.acks),
    clientLoopP99: loop.percentile(99) / 1e6,
    clientCpu: (cpu.user + cpu.system) / 1e6 / wall,
    machineCpu: machineBefore && machineAfter ? busyShare(machineBefore, machineAfter) : Number.NaN,
    serverCpu: serverBefore && serverAfter ? cpuDelta(serverBefore, serverAfter) : undefined,
    settleMs,
  };
}

async function maybeProfile(inspectorPort: number | undefined): Promise<Profiler | undefined> {
  if (!process.env.BENCH_PROFILE) return undefined;
  if (!inspectorPort) throw new Error("BENCH_PROFILE needs the stack started here, or BENCH_INSPECTOR_PORT");
  return startProfiler(inspectorPort);
}

async function reportProfile(profiler: Profiler, phase: string): Promise<void> {
  const prefix =
    process.env.BENCH_PROFILE === "1" ? "/tmp/bench-realtime" : String(process.env.BENCH_PROFILE);
  await saveProfile(profiler, `${prefix}-${phase}.cpuprofile`, `the ${phase} phase`, say);
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Busy and total jiffies of the whole machine (Linux), to tell a saturated machine from a slow server. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields =
      readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((sum, n) => sum + n, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by `root` and its descendants, by process name (Linux /proc; clock ticks at
 * 100 Hz). Tells the server's own cost per message apart from whatever else runs on the machine.
 */
function treeCpu(root: number): Map<string, number> | undefined {
  try {
    const byName = new Map<string, number>();
    for (const p of descendants(root)) {
      // A server started in this process (Miniflare's workerd) is counted without the client itself.
      if (p.pid === process.pid) continue;
      const name = p.comm.startsWith("postgres") ? "postgres" : p.comm;
      byName.set(name, (byName.get(name) ?? 0) + p.ticks / 100);
    }
    return byName;
  } catch {
    return undefined;
  }
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)]));
}

function busyShare(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}

const f1 = (n: number) => n.toFixed(1);
const pct0 = (n: number) => `${(n * 100).toFixed(0)}%`;

function printStep(r: StepResult): void {
  say(
    `${r.label} ${r.targetRate} msg/s target, ${r.achievedRate.toFixed(0)} sent/s | ` +
      `delivered ${r.delivered}/${r.expected}, dup ${r.duplicates}, out-of-order ${r.outOfOrder} | ` +
      `latency ms p50 ${f1(r.latency.p50)} p90 ${f1(r.latency.p90)} p99 ${f1(r.latency.p99)} max ${f1(r.latency.max)} | ` +
      `ack p50 ${f1(r.ack.p50)} p99 ${f1(r.ack.p99)} | bench loop p99 ${f1(r.clientLoopP99)} ms, ` +
      `bench CPU ${pct0(r.clientCpu)} of a core, machine CPU ${pct0(r.machineCpu)}`,
  );
  if (!r.serverCpu) return;
  const total = [...r.serverCpu.values()].reduce((sum, s) => sum + s, 0);
  const parts = [...r.serverCpu]
    .filter(([, seconds]) => seconds >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`);
  const processed = r.delivered / LISTENERS; // Messages the rooms got through within the step.
  const perMessage = (total * 1000) / Math.max(1, processed);
  const settle = FLOOR ? "" : `, Postgres copy done ${ms(r.settleMs)} after the last delivery`;
  say(
    `  server CPU ${total.toFixed(2)} s (${parts.join(", ")}) = ${perMessage.toFixed(2)} ms per message delivered${settle}`,
  );
}

function printSummary(results: StepResult[]): void {
  console.log(
    [
      "",
      "| step | msg/s per room | total msg/s (target → sent) | delivered / expected | dup | out-of-order | p50 ms | p90 ms | p99 ms | max ms | bench CPU | machine CPU |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|",
      ...results.map(
        (r) =>
          `| ${r.label} | ${r.ratePerRoom} | ${r.targetRate} → ${r.achievedRate.toFixed(0)} | ${r.delivered} / ${r.expected} | ` +
          `${r.duplicates} | ${r.outOfOrder} | ${f1(r.latency.p50)} | ${f1(r.latency.p90)} | ${f1(r.latency.p99)} | ` +
          `${f1(r.latency.max)} | ${pct0(r.clientCpu)} | ${pct0(r.machineCpu)} |`,
      ),
      "",
    ].join("\n"),
  );
  const holds = (r: StepResult) =>
    r.delivered === r.expected && r.latency.p99 <= P99_LIMIT_MS && r.achievedRate >= 0.95 * r.targetRate;
  const byRate = [...results].sort((a, b) => a.targetRate - b.targetRate);
  const best = byRate.filter(holds).at(-1);
  const over = byRate.find((r) => !holds(r) && (!best || r.targetRate > best.targetRate));
  if (!best) say(`saturation: no rate held p99 under ${P99_LIMIT_MS} ms without loss`);
  else {
    const end = over
      ? `; p99 passed ${P99_LIMIT_MS} ms (or messages were late past the drain) at ${over.targetRate} msg/s`
      : `; no tried rate passed ${P99_LIMIT_MS} ms (add higher BENCH_RATES)`;
    say(
      `highest sustained rate: ${best.achievedRate.toFixed(0)} msg/s sent ` +
        `(${(best.achievedRate * LISTENERS).toFixed(0)} deliveries/s), p99 ${f1(best.latency.p99)} ms${end}`,
    );
  }
  const dups = results.reduce((sum, r) => sum + r.duplicates, 0);
  const reordered = results.reduce((sum, r) => sum + r.outOfOrder, 0);
  say(`every step: ${dups} duplicates, ${reordered} out of order`);
  const first = results[0];
  if (!first) return;
  const clean = first.delivered === first.expected && first.duplicates === 0 && first.outOfOrder === 0;
  say(`base load: ${clean ? "no loss, no duplicates, no reordering" : "LOSS, DUPLICATES OR REORDERING"}`);
  if (!clean) process.exitCode = 1;
}

/**
 * Room r's WebSocket URL in the app (a conversation and one ticket, valid 60 s, for its six sockets),
 * and a wait until every room's outbox is in Postgres (its time in ms; /api/metrics, at most 60 s).
 */
async function appRooms(base: string) {
  const token = await registerTenant(base);
  const settled = async () => {
    const started = performance.now();
    // The rooms report their outbox when they flush (a busy room every 2 s): wait for that first, then
    // ask rarely (each request costs the server CPU too).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    while (performance.now() - started < 60_000) {
      const response = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const { tenants } = (await response.json()) as { tenants: { outboxPending: number }[] };
      if (tenants[0]?.outboxPending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return performance.now() - started;
  };
  const roomUrl = async () => {
    const conversation = await post<{ id: string }>(
      base,
      token,
      "/api/conversations",
      { channel: "bench" },
      201,
    );
    const ticket = await post<{ url: string }>(
      base,
      token,
      `/api/conversations/${conversation.id}/ticket`,
      undefined,
      200,
    );
    return `${base.replace(/^http/, "ws")}${ticket.url}&after=0`;
  };
  return { roomUrl, settled };
}

function floorRooms(base: string): (r: number) => Promise<string> {
  const run = crypto.randomUUID().slice(0, 8);
  return async (r) => `${base.replace(/^http/, "ws")}/rooms/${run}-${r}/ws`;
}

async function registerTenant(base: string): Promise<string> {
  const id = crypto.randomUUID().slice(0, 8);
  const response = await fetch(`${base}/api/auth/register`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "CF-Connecting-IP": `10.99.${id.charCodeAt(0)}.${id.charCodeAt(1)}`,
    },
    body: JSON.stringify({
      tenantName: `Bench ${id}`,
      name: "Bench",
      email: `bench-${id}@example.test`,
      password: `pw-${crypto.randomUUID()}`,
    }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function post<T>(base: string, token: string, path: string, json: unknown, status: number): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`POST ${path}: expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

function say(line: string): void {
  console.log(`[bench] ${line}`);
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

main().catch((error: unknown) => {
  console.error("[bench] failed:", error);
  process.exit(1);
});
