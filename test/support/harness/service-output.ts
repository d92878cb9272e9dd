import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Where a service process's stdout and stderr go: kept in memory (tests read log lines),
 * appended to a file (a chaos run keeps them after it ends), or counted by message (a
 * benchmark reports what went wrong without keeping gigabytes).
 */
export interface ServiceOutput {
  /** The stdio of the next child: 'pipe', or a file descriptor the caller closes after spawn. */
  open(): 'pipe' | number;
  attach(child: ChildProcess): void;
  /** The last lines, for an error message. */
  tail(lines: number): string;
}

export type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string };

export class MemoryOutput implements ServiceOutput {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];

  open(): 'pipe' {
    return 'pipe';
  }

  attach(child: ChildProcess): void {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  tail(lines: number): string {
    return [...this.logs.slice(-lines).map((l) => JSON.stringify(l)), ...this.stderr.slice(-lines)].join('\n');
  }
}

export class FileOutput implements ServiceOutput {
  constructor(readonly path: string) {}

  open(): number {
    return openSync(this.path, 'a');
  }

  attach(): void {}

  tail(lines: number): string {
    try {
      return readFileSync(this.path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  static close(stdio: 'pipe' | number): void {
    if (typeof stdio === 'number') closeSync(stdio);
  }
}

export interface LogSummary {
  /** Lines by pino level name (warn, error, fatal) or `stderr`. */
  lines: Record<string, number>;
  /** Distinct messages (first 240 characters) with how often each appeared. */
  messages: Record<string, number>;
}

const ECHOED_LINES = 5;
const DISTINCT_MESSAGES = 60;

/** Counts lines by level and message; the first few are echoed to stderr under `name`. */
export class SummaryOutput implements ServiceOutput {
  readonly summary: LogSummary = { lines: {}, messages: {} };
  private echoed = 0;

  constructor(private readonly name: string) {}

  open(): 'pipe' {
    return 'pipe';
  }

  attach(child: ChildProcess): void {
    createInterface({ input: child.stdout! }).on('line', (line) => this.record(line, false));
    createInterface({ input: child.stderr! }).on('line', (line) => this.record(line, true));
  }

  tail(): string {
    return JSON.stringify(this.summary.messages);
  }

  private record(line: string, stderr: boolean): void {
    if (!line.trim()) return;
    let level = stderr ? 'stderr' : 'stdout';
    let message = line;
    try {
      const parsed = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = levelName(parsed.level) ?? level;
      message = parsed.msg ?? parsed.err?.message ?? line;
    } catch {
      // not JSON (a crash trace, a config error): kept as it is
    }
    const { lines, messages } = this.summary;
    lines[level] = (lines[level] ?? 0) + 1;
    const key = message.slice(0, 240);
    if (key in messages || Object.keys(messages).length < DISTINCT_MESSAGES) messages[key] = (messages[key] ?? 0) + 1;
    if (this.echoed < ECHOED_LINES) {
      this.echoed++;
      process.stderr.write(`[${this.name}] ${line.slice(0, 600)}\n`);
      if (this.echoed === ECHOED_LINES) process.stderr.write(`[${this.name}] (further lines are counted, not shown)\n`);
    }
  }
}

function levelName(level: number | undefined): string | undefined {
  if (level === undefined) return undefined;
  return level >= 60 ? 'fatal' : level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug';
}
