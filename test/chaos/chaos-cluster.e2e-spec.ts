import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../chaos/report';
import { CLUSTER_TIERS } from '../../chaos/tiers';

/**
 * The clustered topology's ci run (npm run chaos -- --tier ci --topology cluster): three NATS
 * nodes, two replicas of each service behind the harness's load balancer, a replica of each
 * service killed, two NATS nodes killed and one rolling restart, with a fixed seed
 * (CHAOS_SEED=N to try another).
 */
const SEED = Number(process.env.CHAOS_SEED ?? 1);
/** About 3.5 minutes alone on two cores; the margin is for a machine busy with other suites. */
const RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * Left out of `npm test` (skipped) unless CHAOS_CLUSTER=1: on a loaded two-core machine the run
 * took from 3.4 to more than 6 minutes, beyond what the suite can afford.
 *   CHAOS_CLUSTER=1 npx jest --config jest.config.js --selectProjects e2e --testPathPatterns test/chaos/chaos-cluster
 */
const describeCluster = process.env.CHAOS_CLUSTER === '1' ? describe : describe.skip;

describeCluster(`the chaos harness, ci tier, cluster topology, seed ${SEED}`, () => {
  let dir: string | undefined;
  let harness: ChildProcess | undefined;
  let report: Report;

  beforeAll(async () => {
    // The e2e global setup compiled apps, libs, scripts and test; the harness lives in chaos/.
    execFileSync('npx', ['swc', 'chaos', '-d', 'dist', '--config-file', '.swcrc', '--quiet'], { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'zt-chaos-cluster-test-'));
    const reportPath = join(dir, 'report.json');
    const output: string[] = [];
    harness = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        'dist/chaos/run.js',
        ...['--tier', 'ci', '--topology', 'cluster', '--seed', String(SEED), '--report', reportPath],
      ],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    harness.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    harness.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise<number | null>((resolve) => harness!.once('exit', (c) => resolve(c)));
    process.stdout.write(`${output.join('')}\n`);
    if (!existsSync(reportPath))
      throw new Error(`the chaos run ended with ${code} and no report:\n${output.join('').slice(-4000)}`);
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    if (harness && harness.exitCode === null && harness.signalCode === null) {
      // The harness stops its servers and services on SIGTERM.
      const exited = new Promise((resolve) => harness!.once('exit', resolve));
      harness.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('finds no violation of any invariant, the cluster checks included', () => {
    const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.counterexamples.join('; ')}`);
    expect(failed).toEqual([]);
    expect(report.violations).toBe(0);
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['replicas-worked', 'ready-within-bound', 'streams-replicated', 'steps-applied-once']),
    );
  });

  it('injected every fault of the tier', () => {
    expect(report.topology).toBe('cluster');
    const planned = CLUSTER_TIERS.ci.faultClasses.length;
    expect(report.faults.filter((f) => f.injected).map((f) => f.faultClass).length).toBe(planned);
  });

  it('had both replicas of each service work, and drove real traffic through the faults to rest', () => {
    const work = report.replicas?.work ?? [];
    expect(work.map((w) => `${w.service}-${w.replica}`).sort()).toEqual(
      ['coupon', 'gateway', 'inventory', 'order', 'payment'].flatMap((s) => [`${s}-1`, `${s}-2`]),
    );
    expect(report.operations.byKind.checkout.ok).toBeGreaterThan(50);
    expect(report.settle.settled).toBe(true);
    expect(report.settle.elapsedMs).toBeLessThanOrEqual(report.settle.ms);
  });
});
