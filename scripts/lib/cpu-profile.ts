// CPU profiles of the Worker (and its Durable Objects, same isolate) through `wrangler dev`'s DevTools
// inspector, for benchmarks that need to say *where* the server spends its time.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Profiler {
  stop(): Promise<CpuProfile>;
}

/**
 * The DevTools socket of the Worker behind `inspectorPort`, from the inspector's `/json` listing (wrangler
 * dev serves it at `/ws`, Miniflare at `/<worker name>`).
 */
async function debuggerUrl(inspectorPort: number): Promise<string> {
  const listing = await fetch(`http://127.0.0.1:${inspectorPort}/json`)
    .then((response) => response.json() as Promise<{ webSocketDebuggerUrl?: string }[]>)
    .catch(() => []);
  return listing[0]?.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/ws`;
}

/** Starts sampling the isolate behind `inspectorPort`; stop() returns a `.cpuprofile`-format profile. */
export async function startProfiler(inspectorPort: number): Promise<Profiler> {
  const socket = new WebSocket(await debuggerUrl(inspectorPort), { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    stop: async () => {
      const result = (await call("Profiler.stop")) as { profile: CpuProfile };
      socket.close();
      return result.profile;
    },
  };
}

export interface HotFunction {
  name: string;
  selfShare: number;
  totalShare: number;
}

interface Tally {
  self: Map<string, number>;
  total: Map<string, number>;
  samples: number;
}

function tally(profile: CpuProfile): Tally {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split("/").at(-1) ?? "";
    return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
  };
  const result: Tally = { self: new Map(), total: new Map(), samples: 0 };
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    result.samples += hits;
    result.self.set(label(node), (result.self.get(label(node)) ?? 0) + hits);
    // Inclusive time: each distinct function once per stack.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const ancestor = byId.get(id);
      if (!ancestor) break;
      const name = label(ancestor);
      if (seen.has(name)) continue;
      seen.add(name);
      result.total.set(name, (result.total.get(name) ?? 0) + hits);
    }
  }
  return result;
}

const shares = ({ self, total, samples }: Tally, name: string): HotFunction => ({
  name,
  selfShare: (self.get(name) ?? 0) / Math.max(1, samples),
  totalShare: (total.get(name) ?? 0) / Math.max(1, samples),
});

/** The functions with the most self time (with their inclusive time), as shares of all samples. */
function hottestFunctions(profile: CpuProfile, limit = 15): HotFunction[] {
  const t = tally(profile);
  return [...t.self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name]) => shares(t, name));
}

/** The functions with the most inclusive time whose label matches `pattern` (e.g. the app's own code). */
function heaviestMatching(profile: CpuProfile, pattern: RegExp, limit = 15): HotFunction[] {
  const t = tally(profile);
  return [...t.total.keys()]
    .filter((name) => pattern.test(name))
    .map((name) => shares(t, name))
    .sort((a, b) => b.totalShare - a.totalShare)
    .slice(0, limit);
}

/**
 * Stops the profiler, writes the profile to `file` (Chrome DevTools opens it) and prints the functions
 * with the most self time and the Worker's own functions with the most inclusive time.
 */
export async function saveProfile(
  profiler: Profiler,
  file: string,
  what: string,
  say: (line: string) => void,
): Promise<void> {
  const profile = await profiler.stop();
  writeFileSync(file, JSON.stringify(profile));
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
  say(`workerd CPU profile of ${what}: ${file} (open in Chrome DevTools)`);
  say("  most self time:");
  for (const f of hottestFunctions(profile, 15))
    say(`    self ${pct(f.selfShare)}  total ${pct(f.totalShare)}  ${f.name}`);
  say("  most inclusive time in the Worker's bundle:");
  for (const f of heaviestMatching(profile, / index\.js:/, 25)) {
    say(`    total ${pct(f.totalShare)}  self ${pct(f.selfShare)}  ${f.name}`);
  }
}
