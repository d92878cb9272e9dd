/**
 * CPU time spent by process groups over a window, from /proc (Linux only; empty elsewhere):
 * which of the benchmark's own processes, PostgreSQL and nats-server used the cores, and how
 * much the rest of the machine (other users of a shared host) took meanwhile.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function procCpuSeconds(pid: number): { comm: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, seconds: ticks / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = values[3] + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  /** pid -> group and CPU seconds so far. */
  processes: Map<number, { group: string; seconds: number }>;
  machine?: { busy: number; total: number };
}

/**
 * `groups` names our own processes by pid; nats-server is found by name, and PostgreSQL
 * processes too: backends listed in `backends` (pid -> group) count in their own group, the
 * rest of the server (other users' backends, WAL writer, checkpointer...) as `pg other`.
 */
export function cpuSnapshot(groups: Record<string, number>, backends = new Map<number, string>()): CpuSnapshot {
  const processes = new Map<number, { group: string; seconds: number }>();
  for (const [group, pid] of Object.entries(groups)) {
    const cpu = procCpuSeconds(pid);
    if (cpu) processes.set(pid, { group, seconds: cpu.seconds });
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { processes };
  }
  for (const name of pids) {
    const pid = Number(name);
    if (processes.has(pid)) continue;
    const cpu = procCpuSeconds(pid);
    if (!cpu) continue;
    if (cpu.comm === 'postgres') processes.set(pid, { group: backends.get(pid) ?? 'pg other', seconds: cpu.seconds });
    else if (cpu.comm === 'nats-server') processes.set(pid, { group: 'nats-server', seconds: cpu.seconds });
  }
  return { processes, machine: machineTicks() };
}

/**
 * Cores used by each group between two snapshots (1.0 = one core busy all the time). A process
 * that started in the window counts whole; one that ended in it is lost (its last time is
 * unknown). `rest of machine` is what the machine was busy with besides these groups.
 */
export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot, seconds: number): Record<string, number> {
  const used = new Map<string, number>();
  for (const [pid, { group, seconds: end }] of after.processes) {
    const start = before.processes.get(pid)?.seconds ?? 0;
    used.set(group, (used.get(group) ?? 0) + (end - start));
  }
  const usage: Record<string, number> = {};
  let ours = 0;
  for (const [group, cpuSeconds] of used) {
    usage[group] = Math.round((cpuSeconds / seconds) * 100) / 100;
    ours += cpuSeconds;
  }
  if (before.machine && after.machine) {
    const busy = after.machine.busy - before.machine.busy;
    const total = after.machine.total - before.machine.total;
    const cores = busy / TICKS_PER_SECOND / seconds;
    usage['rest of machine'] = Math.round(Math.max(0, cores - ours / seconds) * 100) / 100;
    usage['machine busy %'] = total > 0 ? Math.round((busy / total) * 1000) / 10 : NaN;
  }
  return usage;
}
