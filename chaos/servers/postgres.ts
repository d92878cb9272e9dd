import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { startOnOwnPort } from '../../test/support/harness';
import { registerCleanup } from './last-resort';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries on the machine (PG_BIN overrides). */
export function postgresBinaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql: set PG_BIN');
  return join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL server of the run's own, in a temporary directory, that a fault can stop in
 * immediate mode (no shutdown checkpoint: crash recovery on the next start). initdb refuses to
 * run as root, so as root every server command runs as the `postgres` OS user. A start keeps
 * the previous port unless another program took it: then the server moves, and the proxy in
 * front of it follows `port`.
 */
export class PrivatePostgres {
  readonly dir: string;
  private readonly dataDir: string;
  private readonly bin = postgresBinaries();
  private readonly asUser: string[] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  private unregister?: () => void;
  port = 0;

  constructor(
    runDir: string,
    private readonly fsync: boolean,
  ) {
    this.dir = join(runDir, 'postgres');
    this.dataDir = join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  async init(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    if (this.asUser.length > 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(this.dir, uid, gid);
    }
    chmodSync(this.dir, 0o700);
    await this.command('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    this.unregister = registerCleanup('postgres', () => this.stopNowSync());
  }

  async start(): Promise<void> {
    this.port = await startOnOwnPort(
      'postgres',
      async (port) => {
        const refused = await this.startOn(port).then(
          () => false,
          () => true,
        );
        return {
          refused,
          isOurs: async () => (await this.dataDirectoryOn(port)) === this.dataDir,
          abandon: () => (this.running ? this.stopImmediate() : Promise.resolve()),
        };
      },
      { preferredPort: this.port, timeoutMs: 30_000 },
    );
  }

  /** The data directory of the server answering on `port`: ours has `dataDir`. */
  private async dataDirectoryOn(port: number): Promise<string | undefined> {
    const client = new Client({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      connectionTimeoutMillis: 2_000,
    });
    await client.connect();
    try {
      return (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory;
    } finally {
      await client.end();
    }
  }

  private async startOn(port: number): Promise<void> {
    const options = [
      `-p ${port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      // Only fsync: synchronous_commit=off would lose acknowledged commits in an immediate stop.
      `-c fsync=${this.fsync ? 'on' : 'off'}`,
    ].join(' ');
    await this.command('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** The `postmaster.pid` says whether the server runs. */
  get running(): boolean {
    return existsSync(join(this.dataDir, 'postmaster.pid'));
  }

  /** An abrupt stop: every backend is killed, nothing is flushed or checkpointed. */
  async stopImmediate(): Promise<void> {
    await this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async stopFast(): Promise<void> {
    if (!this.running) return;
    await this.command('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(() =>
      this.stopImmediate(),
    );
    this.unregister?.();
  }

  async query<T extends Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: `${this.url}/${database}`, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private async command(binary: string, args: string[]): Promise<void> {
    const [file, ...prefix] = [...this.asUser, join(this.bin, binary)];
    await run(file, [...prefix, ...args], { timeout: 90_000 });
  }

  /** The command that stops this server at once (for the reaper, which runs without us). */
  get immediateStopCommand(): string[] {
    return [...this.asUser, join(this.bin, 'pg_ctl'), '-D', this.dataDir, '-m', 'immediate', '-w', 'stop'];
  }

  private stopNowSync(): void {
    if (!this.running) return;
    const [file, ...prefix] = [...this.asUser, join(this.bin, 'pg_ctl')];
    execFileSync(file, [...prefix, '-D', this.dataDir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
  }
}
