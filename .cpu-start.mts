// CPU time (all threads, ns from /proc/<pid>/task/*/schedstat) that workerd spends until the Worker is ready.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Miniflare } from "miniflare";
const [file, runs = "5"] = process.argv.slice(2);
const children = (pid: number) => readdirSync("/proc").filter((e) => /^\d+$/.test(e)).filter((e) => { try { const s = readFileSync(`/proc/${e}/stat`, "utf8"); return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]) === pid; } catch { return false; } }).map(Number);
const cpuNs = (pid: number) => readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ")[0]), 0);
const out: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  const mf = new Miniflare({ modules: true, scriptPath: file, compatibilityDate: "2026-11-01" });
  await mf.ready;
  const pids = children(process.pid).filter((p) => { try { return readFileSync(`/proc/${p}/comm`, "utf8").trim() === "workerd"; } catch { return false; } });
  out.push(pids.reduce((s, p) => s + cpuNs(p), 0) / 1e6);
  await mf.dispose();
}
out.sort((a, b) => a - b);
console.log(`${file.split("/").slice(-2).join("/")}: median ${out[Math.floor(out.length / 2)].toFixed(1)} ms CPU (min ${out[0].toFixed(1)}, all ${out.map((x) => x.toFixed(0)).join(" ")})`);
