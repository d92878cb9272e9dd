import type { ServiceName } from '@zhongtai/platform';
import { invariantViolations } from '../../test/support/invariants';
import type { TestPlatform } from '../../test/support/platform';
import type { Storefront } from '../../test/support/storefront';
import type { Fixtures } from '../fixtures';
import type { GateSettings } from '../gate';
import type { FaultRecord } from '../faults/inject';
import type { Operation } from '../history';
import type { ExitRecord } from '../../test/support/harness';
import type { StockSample } from '../workload';
import { Check, CheckResult } from './check';
import { couponCheck, moneyCheck, stockCheck } from './domain-checks';
import { gateCheck } from './gate-checks';
import { historyChecks } from './history-checks';
import { operatorCheck } from './operator-checks';
import { PROVIDER_PAYMENTS_SQL, providerChecks } from './provider-checks';
import type { ProviderPaymentRow } from './provider-checks';
import { sagaChecks } from './saga-checks';
import { readSnapshot, Snapshot } from './snapshot';

type Query = <T extends Record<string, unknown>>(service: ServiceName, sql: string, params?: unknown[]) => Promise<T[]>;

export interface CheckInputs {
  query: Query;
  /** A query in the provider simulator's database. */
  providerQuery: <T extends Record<string, unknown>>(sql: string) => Promise<T[]>;
  shop: Storefront;
  fixtures: Fixtures;
  operations: readonly Operation[];
  stock: StockSample;
  /** Coupon probes made after settling: the answer each got, and the answer expected. */
  couponProbes: CouponProbe[];
  faults: readonly FaultRecord[];
  exits: readonly ExitRecord[];
  /** The flash-sale gate of the run, and the port of the run's Redis that holds its counts. */
  gate: GateSettings & { redisPort: number };
}

export interface CouponProbe {
  code: string;
  expected: 'PAID' | 'COUPON_EXHAUSTED';
  got: string;
}

/** Every check of the run, on one snapshot of the databases taken at rest. */
export async function runChecks(inputs: CheckInputs): Promise<{ results: CheckResult[]; snapshot: Snapshot }> {
  const snapshot = await readSnapshot(inputs.query);
  const providerPayments = await inputs.providerQuery<ProviderPaymentRow>(PROVIDER_PAYMENTS_SQL);
  const results = [
    ...historyChecks(inputs.operations, snapshot),
    stockCheck(snapshot, inputs.fixtures.products, inputs.stock),
    await gateCheck(inputs.query, inputs.gate),
    moneyCheck(snapshot),
    operatorCheck(inputs.operations, snapshot),
    couponCheck(snapshot),
    couponProbeCheck(inputs.couponProbes),
    ...sagaChecks(snapshot),
    ...providerChecks(snapshot, providerPayments, inputs.operations),
    recoveryCheck(inputs.faults, inputs.exits),
    await designInvariants(inputs),
  ];
  return { results, snapshot };
}

/** DESIGN.md: an outage is waited out, not a reason to crash; and the platform comes back after each fault. */
function recoveryCheck(faults: readonly FaultRecord[], exits: readonly ExitRecord[]): CheckResult {
  const check = new Check(
    'recovery',
    'after each fault every service is ready again, and no service exits unless a fault kills it',
  );
  for (const fault of faults) {
    check.examine();
    check.expect(
      fault.recoveredMs >= 0,
      () => `${fault.faultClass} on ${fault.target} at ${fault.startMs} ms: ${fault.detail}`,
    );
  }
  for (const exit of exits.filter((e) => e.cause === 'unplanned')) {
    check.violation(
      `${exit.service} pid ${exit.pid} exited ${exit.code ?? exit.signal} at ${exit.atMs} ms with no fault asking`,
    );
  }
  return check.result();
}

function couponProbeCheck(probes: CouponProbe[]): CheckResult {
  const check = new Check(
    'coupons-reusable',
    'after the run, a coupon under its cap (released ones included) still works for a new customer, one at its cap is refused',
  );
  for (const probe of probes) {
    check.examine();
    check.expect(probe.got === probe.expected, () => `${probe.code}: expected ${probe.expected}, got ${probe.got}`);
  }
  return check.result();
}

/** test/support/invariants.ts's checks (through /admin/stats and the databases), reused as they are. */
async function designInvariants({ query, shop }: CheckInputs): Promise<CheckResult> {
  const check = new Check(
    'design-invariants',
    'DESIGN.md invariants as test/support/invariants.ts checks them (stats API and databases)',
  );
  const platform = {
    query: (service: ServiceName, sql: string, params: unknown[] = []) => query(service, sql, params),
  };
  check.examine();
  for (const violation of await invariantViolations(shop, platform as unknown as TestPlatform))
    check.violation(violation);
  return check.result();
}
