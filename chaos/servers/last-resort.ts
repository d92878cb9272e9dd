import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a run must undo even when it ends abruptly (an exception, Ctrl-C, SIGTERM from a test
 * runner): each server registers a synchronous cleanup, run in reverse order on exit.
 */
const cleanups: { name: string; run: () => void }[] = [];

export function registerCleanup(name: string, run: () => void): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const index = cleanups.indexOf(entry);
    if (index !== -1) cleanups.splice(index, 1);
  };
}

export function runCleanupsNow(): void {
  while (cleanups.length > 0) {
    const { name, run } = cleanups.pop()!;
    try {
      run();
    } catch (error) {
      process.stderr.write(`chaos: cleanup of ${name} failed: ${String(error)}\n`);
    }
  }
}

/**
 * Installs the exit handlers: signals first try `graceful` (bounded), and whatever remains is
 * killed synchronously on 'exit'.
 */
export function installExitHandlers(graceful: () => Promise<void>): void {
  process.once('exit', runCleanupsNow);
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`chaos: ${signal} received, stopping every server of this run\n`);
    const force = setTimeout(() => process.exit(code), 30_000);
    force.unref();
    graceful()
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
  const crash = (error: unknown) => {
    process.stderr.write(`chaos: harness error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** Sends a signal to a process if it still exists; false if it does not. */
export function signalIfAlive(pid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

const REAPER = `
parent=$1; dir=$2; shift 2
while kill -0 "$parent" 2>/dev/null; do sleep 2; done
if [ -f "$dir/pids" ]; then
  for pid in $(cat "$dir/pids"); do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
fi
if [ -f "$dir/postgres/data/postmaster.pid" ] && [ $# -gt 0 ]; then "$@" >/dev/null 2>&1; fi
rm -rf "$dir"
`;

let pidFile: string | undefined;
const livePids = new Map<string, number>();

/**
 * The last resort of the last resort: a detached shell that outlives a harness killed with
 * SIGKILL (no handler runs then) and, once the harness is gone, kills the pids the run still
 * had, stops its PostgreSQL and removes its directory. After a normal end it finds nothing.
 */
export function startReaper(runDir: string, stopPostgres: string[]): void {
  pidFile = join(runDir, 'pids');
  writeFileSync(pidFile, '');
  spawn('bash', ['-c', REAPER, 'chaos-reaper', String(process.pid), runDir, ...stopPostgres], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

/** Records the pid a named child runs under now (undefined once it has exited), for the reaper. */
export function trackPid(name: string, pid: number | undefined): void {
  if (pid) livePids.set(name, pid);
  else livePids.delete(name);
  if (!pidFile) return;
  try {
    writeFileSync(pidFile, [...livePids.values()].join(' '));
  } catch {
    // the run directory is already gone: nothing left to reap
  }
}
