/**
 * Per-process accounting from /proc for the benchmarks: CPU seconds of a process and its live
 * descendants (utime + stime, plus what it reaped: cutime + cstime), peak RSS (VmHWM, resettable),
 * the machine's busy CPU time, and a gate that waits for the other tenants of the box to go quiet.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const TICK_S = 0.01; // CLK_TCK is 100 on Linux

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
  reaped: number;
}

function readStat(pid: number | string): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const s = readStat(entry);
    if (s) out.push(s);
  }
  return out;
}

/** CPU seconds of each root's process tree: the root (with what it reaped) and its live descendants. */
export function treeCpuSeconds(roots: Record<string, number | undefined>): Record<string, number> {
  const stats = allStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const children = new Map<number, Stat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(roots)) {
    if (pid === undefined) continue;
    const root = byPid.get(pid);
    if (!root) {
      out[name] = 0;
      continue;
    }
    let ticks = root.ticks + root.reaped;
    const stack = [...(children.get(pid) ?? [])];
    while (stack.length > 0) {
      const s = stack.pop()!;
      ticks += s.ticks;
      stack.push(...(children.get(s.pid) ?? []));
    }
    out[name] = ticks * TICK_S;
  }
  return out;
}

/** Busy CPU seconds of the whole machine (all cores) since boot. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_S;
}

/** Peak resident set (VmHWM) in MB. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export function load1(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** CPU (in cores) used by processes outside our own tree over `ms`. */
export async function foreignCores(ownRoot: number, ms: number): Promise<number> {
  const own0 = treeCpuSeconds({ own: ownRoot }).own!;
  const all0 = machineBusySeconds();
  await new Promise((r) => setTimeout(r, ms));
  const own1 = treeCpuSeconds({ own: ownRoot }).own!;
  const all1 = machineBusySeconds();
  return Math.max(0, all1 - all0 - (own1 - own0)) / (ms / 1000);
}

export interface QuietReport {
  load1: number;
  foreign: number;
  waitedS: number;
}

/**
 * Waits (up to `maxWaitS`) until the 1-minute load is below `maxLoad`. Our own previous run keeps
 * the load average up for about a minute after it ends, so a high load whose source is not another
 * process (other processes used under `maxForeign` cores over the last 3 s) does not hold us back.
 */
export async function waitForQuiet(opts: { ownRoot: number; maxLoad: number; maxForeign: number; maxWaitS: number; say: (s: string) => void }): Promise<QuietReport> {
  const started = performance.now();
  let said = false;
  for (;;) {
    const l = load1();
    const foreign = await foreignCores(opts.ownRoot, 3000);
    const waitedS = (performance.now() - started) / 1000;
    if (l < opts.maxLoad || foreign < opts.maxForeign) return { load1: l, foreign, waitedS };
    if (waitedS > opts.maxWaitS) {
      opts.say(`  ! still busy after ${waitedS.toFixed(0)} s (load ${l.toFixed(2)}, other processes ${foreign.toFixed(2)} cores): measuring anyway`);
      return { load1: l, foreign, waitedS };
    }
    if (!said) {
      opts.say(`  waiting for the machine to go quiet (load ${l.toFixed(2)}, other processes ${foreign.toFixed(2)} cores)…`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * PostgreSQL's CPU seconds by kind: client backends (live), its background processes (live:
 * checkpointer, walwriter, autovacuum launcher…), and what the postmaster reaped (exited backends
 * and autovacuum workers).
 */
export function postgresCpuByKind(postmasterPid: number): { backends: number; background: number; reaped: number } {
  const out = { backends: 0, background: 0, reaped: 0 };
  for (const s of allStats()) {
    if (s.pid === postmasterPid) {
      out.reaped += s.reaped * TICK_S;
      out.background += s.ticks * TICK_S;
    } else if (s.ppid === postmasterPid) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${s.pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (/\(\d+\)/.test(cmd) || /127\.0\.0\.1/.test(cmd)) out.backends += s.ticks * TICK_S;
      else out.background += s.ticks * TICK_S;
    }
  }
  return out;
}

/**
 * CPU seconds of each thread of one process, summed by thread name, the main thread as `main`:
 * whether the worker's JavaScript thread is the one on a full core, or the SDK's and V8's helpers.
 */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = tid === String(pid) ? 'main' : text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).trim();
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * TICK_S;
  }
  return out;
}
