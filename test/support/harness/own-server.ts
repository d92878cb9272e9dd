import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../infrastructure';

/**
 * Servers a harness runs as its own children (nats-server, redis-server, PostgreSQL) cannot
 * bind "any free port" and say which, so the port is picked first; another program on this
 * shared machine may take it before the server binds. A start therefore counts only once the
 * server on the port proves to be ours (its name, its pid, its data directory); a server that
 * fails to bind, or a stranger answering, means another try on a new port.
 */
export interface OwnServerAttempt {
  /** The child started on `port` (already exited if it failed to bind). */
  child?: ChildProcess;
  /** The server said at once that it could not start (pg_ctl's exit status). */
  refused?: boolean;
  /** True once the server on `port` is the one just started. */
  isOurs(): Promise<boolean>;
  /** Stops what this attempt started (the port was someone else's). */
  abandon(): Promise<void>;
}

const ATTEMPTS = 5;

/**
 * Starts a server with `start(port)`, first on `preferredPort` (a restart keeps its port when
 * it can), then on new free ports; resolves with the port of the server that is ours.
 */
export async function startOnOwnPort(
  what: string,
  start: (port: number) => Promise<OwnServerAttempt>,
  { preferredPort, timeoutMs = 30_000 }: { preferredPort?: number; timeoutMs?: number } = {},
): Promise<number> {
  const refusals: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = attempt === 0 && preferredPort ? preferredPort : await freePort();
    const started = await start(port);
    if (await becomesOurs(started, timeoutMs)) return port;
    await started.abandon();
    refusals.push(String(port));
  }
  throw new Error(`${what} could not bind a port of its own (tried ${refusals.join(', ')})`);
}

async function becomesOurs(attempt: OwnServerAttempt, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !attempt.refused) {
    if (attempt.child && (attempt.child.exitCode !== null || attempt.child.signalCode !== null)) return false;
    if (await attempt.isOurs().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** The first bytes a TCP server sends after `request` (nothing: what it greets with). */
function firstReply(port: number, request: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    socket.setTimeout(1_000, () => done(new Error('no reply')));
    socket.once('connect', () => {
      if (request) socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until.test(text)) done();
    });
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error('closed')));
  });
}

/** The server_name a nats-server on `port` greets with (`-n` sets it). */
export async function natsServerName(port: number): Promise<string | undefined> {
  const info = await firstReply(port, '', /\r\n/);
  const match = /^INFO (\{.*\})/.exec(info);
  return match ? (JSON.parse(match[1]) as { server_name?: string }).server_name : undefined;
}

/** The process_id a redis-server on `port` reports in INFO. */
export async function redisProcessId(port: number): Promise<number | undefined> {
  const info = await firstReply(port, 'INFO server\r\n', /process_id:\d+\r\n/);
  const match = /process_id:(\d+)/.exec(info);
  return match ? Number(match[1]) : undefined;
}
