import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from './checks/check';
import type { OrderRow } from './checks/snapshot';
import type { FaultRecord } from './faults/inject';
import type { Operation } from './history';
import type { ExitRecord } from '../test/support/harness';
import type { ReplicaWork } from './metrics';
import type { Quiet, SettleBound } from './settle';
import type { Tier } from './tiers';

type Tally = { ok: number; fail: number; info: number };

export interface Report {
  tier: string;
  /** single or cluster (three NATS nodes, two replicas of each service). */
  topology: string;
  seed: number;
  startedAt: string;
  durationMs: number;
  passed: boolean;
  violations: number;
  resultsDir: string;
  config: Pick<Tier, 'faultClasses' | 'workers' | 'customers' | 'postgresFsync'> & { faultPhaseMs?: number };
  phases: Record<string, number>;
  operations: {
    total: number;
    byKind: Record<string, Tally>;
    byMode: Record<string, Tally>;
    answers: Record<string, number>;
  };
  faults: FaultRecord[];
  faultsByClass: Record<string, { planned: number; injected: number }>;
  unplannedExits: ExitRecord[];
  settle: SettleBound & Quiet;
  /** Orders at rest by status (and failure reason). */
  orders: Record<string, number>;
  duplicates: Record<string, number>;
  checks: CheckResult[];
  /** Per NATS node, log lines saying it reset a stream's cluster state (or could not apply entries). */
  natsResets: Record<string, number>;
  /** Cluster topology: what each replica did, and the gateway connections the balancer handed out. */
  replicas?: { work: ReplicaWork[]; balancedConnections: Record<string, number> };
}

export interface ReportInputs {
  tier: Tier;
  seed: number;
  startedAt: Date;
  durationMs: number;
  resultsDir: string;
  phases: Record<string, number>;
  operations: readonly Operation[];
  faults: FaultRecord[];
  exits: ExitRecord[];
  settle: SettleBound & Quiet;
  checks: CheckResult[];
  orders: OrderRow[];
  redeliveries: number;
  stepTimeouts: number;
  /** Per NATS node, the log lines saying it reset a stream's cluster state (or failed to apply entries). */
  natsResets: Record<string, number>;
  proxies: { postgresDropped: number; natsDropped: number };
  replicas?: Report['replicas'];
}

export function buildReport(inputs: ReportInputs): Report {
  const { tier, operations } = inputs;
  const tally = (key: (op: Operation) => string | undefined) => {
    const out: Record<string, Tally> = {};
    for (const op of operations) {
      const k = key(op);
      if (!k || !op.outcome) continue;
      out[k] ??= { ok: 0, fail: 0, info: 0 };
      out[k][op.outcome]++;
    }
    return out;
  };
  const answers: Record<string, number> = {};
  for (const op of operations) {
    const answer =
      `${op.kind} ${op.outcome} ${op.status ?? ''} ${op.outcome === 'ok' ? (op.orderStatus ?? '') : (op.code ?? '')}`
        .replace(/\s+/g, ' ')
        .trim();
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
  const faultsByClass: Record<string, { planned: number; injected: number }> = {};
  for (const c of tier.faultClasses) faultsByClass[c] = { planned: 0, injected: 0 };
  for (const f of inputs.faults) {
    faultsByClass[f.faultClass] ??= { planned: 0, injected: 0 };
    faultsByClass[f.faultClass].planned++;
    if (f.injected) faultsByClass[f.faultClass].injected++;
  }
  const checkouts = operations.filter((op) => op.kind === 'checkout');
  const keys = new Set(checkouts.map((op) => `${op.customerId}/${op.key}`));
  const violations = inputs.checks.reduce((sum, c) => sum + c.violations, 0);
  const orders: Record<string, number> = {};
  for (const o of inputs.orders) {
    const outcome = o.failure_reason ? `${o.status} ${o.failure_reason}` : o.status;
    orders[outcome] = (orders[outcome] ?? 0) + 1;
  }
  return {
    tier: tier.name,
    topology: tier.topology,
    seed: inputs.seed,
    startedAt: inputs.startedAt.toISOString(),
    durationMs: inputs.durationMs,
    passed: violations === 0,
    violations,
    resultsDir: inputs.resultsDir,
    config: {
      faultClasses: tier.faultClasses,
      workers: tier.workers,
      customers: tier.customers,
      postgresFsync: tier.postgresFsync,
      ...(tier.faultPhaseMs ? { faultPhaseMs: tier.faultPhaseMs } : {}),
    },
    phases: inputs.phases,
    operations: {
      total: operations.length,
      byKind: tally((op) => op.kind),
      byMode: tally((op) => (op.kind === 'checkout' ? op.mode : undefined)),
      answers,
    },
    faults: inputs.faults,
    faultsByClass,
    unplannedExits: inputs.exits.filter((e) => e.cause === 'unplanned'),
    settle: inputs.settle,
    orders,
    duplicates: {
      checkoutRequests: checkouts.length,
      distinctKeys: keys.size,
      requestsReusingAKey: checkouts.length - keys.size,
      answeredAsReplay: checkouts.filter((op) => op.replayed).length,
      answeredInProgress: checkouts.filter((op) => op.code === 'IDEMPOTENCY_IN_PROGRESS').length,
      refusedOtherBody: checkouts.filter((op) => op.code === 'IDEMPOTENCY_KEY_REUSED').length,
      ordersInDatabase: inputs.orders.length,
      jetStreamRedeliveries: inputs.redeliveries,
      sagaStepTimeouts: inputs.stepTimeouts,
      postgresConnectionsCut: inputs.proxies.postgresDropped,
      natsConnectionsCut: inputs.proxies.natsDropped,
      sagaDeliveryCopies: inputs.faults.reduce((sum, fault) => sum + (fault.copies ?? 0), 0),
    },
    checks: inputs.checks,
    natsResets: inputs.natsResets,
    ...(inputs.replicas ? { replicas: inputs.replicas } : {}),
  };
}

export function writeReport(report: Report, path = join(report.resultsDir, 'report.json')): string {
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pad = (text: string | number, width: number) => String(text).padEnd(width);
const padLeft = (text: string | number, width: number) => String(text).padStart(width);

/** The report as a person reads it. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  out.push(
    `Chaos run: tier ${report.tier}, topology ${report.topology}, seed ${report.seed}, ${s(report.durationMs)}, ${report.passed ? 'PASSED' : `FAILED with ${report.violations} violations`}`,
  );
  out.push('', 'Operations           ok   fail   info');
  for (const [kind, t] of Object.entries(report.operations.byKind))
    out.push(`  ${pad(kind, 16)}${padLeft(t.ok, 5)}${padLeft(t.fail, 7)}${padLeft(t.info, 7)}`);
  for (const [mode, t] of Object.entries(report.operations.byMode))
    out.push(`    ${pad(mode, 24)}${padLeft(t.ok, 5)}${padLeft(t.fail, 7)}${padLeft(t.info, 7)}`);
  out.push('', 'Faults');
  for (const f of report.faults) {
    out.push(
      `  ${padLeft(s(f.startMs), 8)}  ${pad(f.faultClass, 24)}${pad(f.target + (f.crashPoint ? ` @ ${f.crashPoint}` : ''), 48)}${f.injected ? 'injected' : 'NOT INJECTED'}  held ${s(f.endMs - f.startMs)}, ready after ${f.recoveredMs < 0 ? 'never' : s(f.recoveredMs - f.startMs)}`,
    );
    out.push(`            ${f.detail}`);
  }
  out.push(
    '  per class: ' +
      Object.entries(report.faultsByClass)
        .map(([c, n]) => `${c} ${n.injected}/${n.planned}`)
        .join(', '),
  );
  out.push('', `Unplanned exits: ${report.unplannedExits.length === 0 ? 'none' : ''}`);
  for (const e of report.unplannedExits)
    out.push(`  ${s(e.atMs)} ${e.service} pid ${e.pid} exited ${e.code ?? e.signal}, restarted by the supervisor`);
  const lastFault = report.faults.at(-1);
  const since = lastFault
    ? `, ${s(report.phases.settledMs - lastFault.endMs)} after the last fault was removed (the workload ran until ${s(report.phases.workloadStoppedMs - lastFault.endMs)} after it)`
    : '';
  out.push(
    '',
    `Settle: ${report.settle.settled ? `at rest ${s(report.settle.elapsedMs)} after healing${since}` : `NOT at rest after ${s(report.settle.elapsedMs)}: ${JSON.stringify(report.settle.remaining)}`}`,
  );
  out.push(`  bound ${report.settle.formula}`);
  out.push(
    '',
    'Orders at rest: ' +
      Object.entries(report.orders)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  out.push(
    '',
    'Duplicates: ' +
      Object.entries(report.duplicates)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  out.push(
    'NATS stream resets: ' +
      (Object.entries(report.natsResets ?? {})
        .map(([node, n]) => `${node} ${n}`)
        .join(', ') || 'none'),
  );
  if (report.replicas) {
    out.push(
      '',
      'Replicas: ' +
        report.replicas.work
          .map((w) =>
            w.service === 'gateway'
              ? `${w.service}-${w.replica} http ${w.http}`
              : `${w.service}-${w.replica} rpc ${w.rpc} saga ${w.saga}`,
          )
          .join(', '),
    );
  }
  out.push('', 'Checks');
  for (const c of report.checks) {
    out.push(`  ${c.passed ? 'PASS' : 'FAIL'}  ${pad(c.name, 20)} ${padLeft(c.examined, 6)} examined  ${c.invariant}`);
    if (c.notes)
      out.push(
        `        ${Object.entries(c.notes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    for (const example of c.counterexamples) out.push(`        - ${example}`);
    if (c.violations > c.counterexamples.length)
      out.push(`        ... ${c.violations - c.counterexamples.length} more`);
  }
  out.push('', `Report, history and logs: ${report.resultsDir}`);
  if (!report.passed)
    out.push(
      '',
      `VIOLATIONS FOUND with seed ${report.seed}: rerun with npm run chaos -- --tier ${report.tier}${report.topology === 'cluster' ? ' --topology cluster' : ''} --seed ${report.seed}`,
    );
  return out.join('\n');
}
