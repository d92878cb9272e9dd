import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface Calibration {
  /** pgbench: one single-row UPDATE per transaction, synchronous commit as the server has it. */
  postgresUpdateTps: number;
  clients: number;
  seconds: number;
}

/**
 * How fast this machine is today, in the unit the project's targets were set in: PostgreSQL
 * committing single-row updates (the reference machine did 10,000 to 16,000 per second). Two
 * runs of the same code differ by what the host gives them; this figure says by how much.
 * Undefined when pgbench is not installed.
 */
export async function calibrate(serverUrl: string, clients = 16, seconds = 10): Promise<Calibration | undefined> {
  const database = `zt_bench_calibration_${process.pid}`;
  const url = new URL(serverUrl);
  const connection = [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username) || 'postgres',
  ];
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zt-calibration-'));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    await run('pgbench', [...connection, '-i', '-q', '-s', '1', database]);
    const script = path.join(dir, 'update.sql');
    writeFileSync(
      script,
      '\\set aid random(1, 100000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n',
    );
    const { stdout } = await run('pgbench', [
      ...connection,
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      database,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    return tps ? { postgresUpdateTps: Math.round(Number(tps)), clients, seconds } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function calibrationMarkdown(calibration: Calibration | undefined): string {
  return calibration
    ? `- Speed of the machine during this run: PostgreSQL committed ${calibration.postgresUpdateTps.toLocaleString('en-US')} single-row updates per second (pgbench, ${calibration.clients} clients, ${calibration.seconds} s; the reference machine of the targets: 10,000 to 16,000). Every figure below is depressed on a machine that is slower by this measure.`
    : '- Speed of the machine: not measured (pgbench not installed).';
}
