// The machine's processes from Linux /proc, for benchmarks that account CPU per process tree.
import { readdirSync, readFileSync } from "node:fs";

export interface Proc {
  pid: number;
  ppid: number;
  /** The executable's name (`comm`), e.g. workerd, postgres, node. */
  comm: string;
  /** User + system CPU so far, in clock ticks (100 Hz). */
  ticks: number;
}

/** Every process on the machine (ones that end while being read are left out). */
export function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), {
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** `root` and every process below it. */
export function descendants(root: number, all: Map<number, Proc> = processes()): Proc[] {
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of all)
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return [...tree].flatMap((pid) => {
    const p = all.get(pid);
    return p ? [p] : [];
  });
}
