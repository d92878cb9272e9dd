import { couponCheck, moneyCheck, stockCheck } from '../../chaos/checks/domain-checks';
import { historyChecks } from '../../chaos/checks/history-checks';
import { operatorCheck } from '../../chaos/checks/operator-checks';
import { sagaChecks } from '../../chaos/checks/saga-checks';
import type { Snapshot } from '../../chaos/checks/snapshot';
import type { Operation } from '../../chaos/history';
import type { Report } from '../../chaos/report';
import { TIERS } from '../../chaos/tiers';
import { chaosRun } from './chaos-run';

/** A fixed seed, so that the suite always runs the same plan (CHAOS_SEED reproduces another). */
const SEED = Number(process.env.CHAOS_SEED ?? 1);
/** The ci tier takes 2 to 4 minutes; the margin is for a machine busy with other suites. */
const RUN_TIMEOUT_MS = 9 * 60_000;

describe(`the chaos harness, ci tier, seed ${SEED}`, () => {
  const chaos = chaosRun(['--tier', 'ci', '--seed', String(SEED)]);
  let report: Report;

  beforeAll(async () => {
    report = await chaos.run();
  }, RUN_TIMEOUT_MS);

  afterAll(() => chaos.stop(), 60_000);

  it('finds no violation of any invariant', () => {
    const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.counterexamples.join('; ')}`);
    expect(failed).toEqual([]);
    expect(report.violations).toBe(0);
  });

  it('injected every fault class of the tier at least once', () => {
    const notInjected = TIERS.ci.faultClasses.filter((c) => (report.faultsByClass[c]?.injected ?? 0) < 1);
    expect(notInjected).toEqual([]);
  });

  it('drove real traffic through the faults and came to rest within the settle bound', () => {
    expect(report.operations.byKind.checkout.ok).toBeGreaterThan(50);
    expect(report.settle.settled).toBe(true);
    expect(report.settle.elapsedMs).toBeLessThanOrEqual(report.settle.ms);
  });
});

/** The checks themselves must have teeth: each planted inconsistency is reported. */
describe('the chaos checks', () => {
  const order = {
    id: 'o1',
    customer_id: 'c1',
    idempotency_key: 'k1',
    status: 'PAID',
    items: [{ sku: 'S', quantity: 2 }],
    total_cents: 2_000,
    coupon_code: 'C',
    failure_reason: null,
  };
  const consistent = (): Snapshot => ({
    orders: [{ ...order }],
    sagas: [{ id: 'o1', type: 'checkout', status: 'COMPLETED', order_id: 'o1' }],
    sagaStepsApplied: [{ saga_id: 'o1', step: 0, phase: 'action', n: 1 }],
    sagaEndings: [{ saga_id: 'o1', n: 1 }],
    reservations: [{ order_id: 'o1', status: 'COMMITTED', lines: [{ sku: 'S', quantity: 2 }] }],
    products: [{ sku: 'S', stock_on_hand: 8, reserved: 0, sold: 2, adjusted: 0 }],
    adjustments: [],
    coupons: [{ code: 'C', held: 1, max_redemptions: 1, per_customer_limit: 1 }],
    redemptions: [{ order_id: 'o1', coupon_code: 'C', customer_id: 'c1', status: 'REDEEMED' }],
    postings: [
      { kind: 'CREDIT', reference: 'fund-c1', customer_id: 'c1', amount_cents: 10_000 },
      { kind: 'CHARGE', reference: 'o1', customer_id: 'c1', amount_cents: 2_000 },
    ],
    wallets: [{ customer_id: 'c1', balance_cents: 8_000 }],
    unsentOutbox: { order: 0, inventory: 0, coupon: 0, payment: 0 },
  });
  const operations: Operation[] = [
    {
      id: 0,
      kind: 'checkout',
      worker: 'w0',
      customerId: 'c1',
      key: 'k1',
      body: { items: [{ sku: 'S', quantity: 2 }], couponCode: 'C' },
      invokedMs: 0,
      outcome: 'ok',
      orderId: 'o1',
      orderStatus: 'PAID',
    },
  ];
  const products = [{ sku: 'S', priceCents: 1_000, initialStock: 10, hot: true }];
  const verdicts = (snapshot: Snapshot, ops = operations) =>
    Object.fromEntries(
      [
        ...historyChecks(ops, snapshot),
        stockCheck(snapshot, products, { samples: 0, impossible: [] }),
        moneyCheck(snapshot),
        operatorCheck(ops, snapshot),
        couponCheck(snapshot),
        ...sagaChecks(snapshot),
      ].map((r) => [r.name, r.passed]),
    );
  const failing = (snapshot: Snapshot, ops = operations) =>
    Object.entries(verdicts(snapshot, ops))
      .filter(([, passed]) => !passed)
      .map(([name]) => name)
      .sort();

  it('pass a consistent world', () => {
    expect(failing(consistent())).toEqual([]);
  });

  it('report an acknowledged checkout whose order is gone', () => {
    const snapshot = consistent();
    snapshot.orders = [];
    expect(failing(snapshot)).toContain('no-lost-order');
  });

  it('report an order nobody asked for and a second order for one key', () => {
    const snapshot = consistent();
    snapshot.orders.push({ ...order, id: 'o2', idempotency_key: 'k1' }, { ...order, id: 'o3', idempotency_key: 'k9' });
    expect(failing(snapshot)).toEqual(expect.arrayContaining(['idempotency', 'no-unrequested-order']));
  });

  it('report a double charge, an oversold sku and a coupon over its cap', () => {
    const snapshot = consistent();
    snapshot.postings.push({ kind: 'CHARGE', reference: 'o1', customer_id: 'c1', amount_cents: 2_000 });
    snapshot.products[0].sold = 3;
    snapshot.coupons[0].held = 2;
    snapshot.redemptions.push({ order_id: 'o9', coupon_code: 'C', customer_id: 'c2', status: 'LOCKED' });
    expect(failing(snapshot)).toEqual(expect.arrayContaining(['money', 'no-oversell', 'coupons']));
  });

  it('report a saga still running, an unsent outbox row and a step applied twice', () => {
    const snapshot = consistent();
    snapshot.sagas.push({ id: 's2', type: 'cancelOrder', status: 'RUNNING', order_id: 'o1' });
    snapshot.unsentOutbox.payment = 1;
    snapshot.sagaStepsApplied[0].n = 2;
    expect(failing(snapshot)).toEqual(expect.arrayContaining(['sagas-final', 'outbox-drained', 'steps-applied-once']));
  });

  it('report a saga that ended twice, as two racing drivers of it would leave it', () => {
    const snapshot = consistent();
    snapshot.sagaEndings[0].n = 2;
    expect(failing(snapshot)).toEqual(['sagas-ended-once']);
  });

  it('report an acknowledged restock that never happened and a credit nobody asked for', () => {
    const snapshot = consistent();
    snapshot.postings.push({ kind: 'CREDIT', reference: 'topup-x', customer_id: 'c1', amount_cents: 500 });
    snapshot.wallets[0].balance_cents += 500;
    const restock: Operation = {
      id: 1,
      kind: 'restock',
      worker: 'operator',
      sku: 'S',
      amount: 5,
      reference: 'restock-S-0',
      invokedMs: 0,
      outcome: 'ok',
    };
    expect(failing(snapshot, [...operations, restock])).toEqual(['operator-effects']);
  });

  it('report a status a client saw that the order could not have left', () => {
    const snapshot = consistent();
    snapshot.orders[0].status = 'CANCELLED';
    expect(failing(snapshot)).toContain('order-states');
  });
});
