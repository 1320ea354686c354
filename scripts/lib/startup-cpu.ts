// CPU time workerd spends until a Worker is ready, from /proc (every thread's schedstat, in ns): unlike
// `wrangler check startup`'s "Active" (wall time of the startup window), it barely moves when other
// processes load the machine, so before/after comparisons hold on a busy one.
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";

function childWorkerds(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
      } catch {
        return false;
      }
    });
}

const threadsCpuMs = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).reduce(
    (sum, task) => sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]),
    0,
  ) / 1e6;

/** CPU ms (all threads) of a fresh workerd serving the one-module Worker `script`, until it is ready; one per run. */
export async function workerdStartupCpu(
  script: string,
  compatibilityDate: string,
  runs: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const worker = {
      name: "startup",
      modules: true,
      scriptPath: script,
      modulesRoot: dirname(script),
      compatibilityDate,
    };
    const mf = new Miniflare(convertV4MiniflareOptions({ workers: [worker as V4WorkerOptions] }));
    try {
      await mf.ready;
      samples.push(childWorkerds().reduce((sum, pid) => sum + threadsCpuMs(pid), 0));
    } finally {
      await mf.dispose();
    }
  }
  return samples;
}
