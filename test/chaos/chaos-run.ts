import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../chaos/report';

/**
 * One run of the chaos harness (`dist/chaos/run.js` with `args`) for a suite: compiled, run to
 * its end with its report read back, and stopped (the harness stops its servers and services on
 * SIGTERM) if the suite ends first. Call `run` in beforeAll and `stop` in afterAll.
 */
export function chaosRun(args: string[]) {
  let dir: string | undefined;
  let harness: ChildProcess | undefined;
  return {
    async run(): Promise<Report> {
      // The e2e global setup compiled apps, libs, scripts and test; the harness lives in chaos/.
      execFileSync('npx', ['swc', 'chaos', '-d', 'dist', '--config-file', '.swcrc', '--quiet'], { stdio: 'inherit' });
      dir = mkdtempSync(join(tmpdir(), 'zt-chaos-test-'));
      const reportPath = join(dir, 'report.json');
      const output: string[] = [];
      harness = spawn(
        process.execPath,
        ['--enable-source-maps', 'dist/chaos/run.js', ...args, '--report', reportPath],
        {
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      harness.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      harness.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const code = await new Promise<number | null>((resolve) => harness!.once('exit', (c) => resolve(c)));
      process.stdout.write(`${output.join('')}\n`);
      if (!existsSync(reportPath))
        throw new Error(`the chaos run ended with ${code} and no report:\n${output.join('').slice(-4000)}`);
      return JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    },
    async stop(): Promise<void> {
      if (harness && harness.exitCode === null && harness.signalCode === null) {
        const exited = new Promise((resolve) => harness!.once('exit', resolve));
        harness.kill('SIGTERM');
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
