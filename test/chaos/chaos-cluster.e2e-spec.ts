import type { Report } from '../../chaos/report';
import { CLUSTER_TIERS } from '../../chaos/tiers';
import { chaosRun } from './chaos-run';

/**
 * The clustered topology's ci run (npm run chaos -- --tier ci --topology cluster): three NATS
 * nodes, two replicas of each service behind the harness's load balancer, and each of the
 * cluster's fault classes once (a replica killed, a NATS node killed, a NATS node cut off from
 * the other two, a burst of sagas timing out while both order replicas sweep, a rolling
 * restart), with a fixed seed (CHAOS_SEED=N to try another).
 */
const SEED = Number(process.env.CHAOS_SEED ?? 1);
/** About 2.5 to 3 minutes on two cores; the margin is for a machine busy with other suites. */
const RUN_TIMEOUT_MS = 9 * 60_000;

describe(`the chaos harness, ci tier, cluster topology, seed ${SEED}`, () => {
  const chaos = chaosRun(['--tier', 'ci', '--topology', 'cluster', '--seed', String(SEED)]);
  let report: Report;

  beforeAll(async () => {
    report = await chaos.run();
  }, RUN_TIMEOUT_MS);

  afterAll(() => chaos.stop(), 60_000);

  it('finds no violation of any invariant, the cluster checks included', () => {
    const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.counterexamples.join('; ')}`);
    expect(failed).toEqual([]);
    expect(report.violations).toBe(0);
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'replicas-worked',
        'ready-within-bound',
        'streams-replicated',
        'steps-applied-once',
        'sagas-ended-once',
        'money',
      ]),
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
