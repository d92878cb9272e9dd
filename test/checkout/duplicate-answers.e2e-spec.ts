import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { bound, GateSale } from '../flash-sale/gate-sale';
import { eventually, SHARED } from '../support/infrastructure';
import type { ApiResponse, OrderBody } from '../support/storefront';
import { suitePlatform } from '../support/suite-platform';

/** How long a replay is watched for a late RPC count (the handler's metric is recorded as its reply goes out). */
const SETTLE_MS = 400;

/**
 * The gateway answers a replayed Idempotency-Key whose request already has a final answer (a
 * paid order, a cancelled one, a refusal at the flash-sale gate) from what it remembers, and
 * asks the order service nothing: every NATS request the order service handles, on any subject,
 * is counted in its own `/metrics` (`rpc_handler_duration_seconds_count{subject,outcome}`), and
 * a replay must add none.
 */
describe('duplicates answered at the gateway, without a request to the order service', () => {
  // The gate's periodic reconciliation off, as in the gate's settlement suite: its count moves with this suite's checkouts only.
  const suite = suitePlatform({ sharedEnv: { GATE_RECONCILE_MS: '600000' } });
  const redis = new Redis(SHARED.redis, { maxRetriesPerRequest: 1 });
  const sale = new GateSale(suite, () => redis, 5_000);
  const { atRest, buy } = bound(sale);

  beforeAll(() => sale.fundCustomers(3), 60_000);
  afterAll(() => redis.disconnect());

  /** The order service's handled NATS requests, `subject outcome` to count, from its `/metrics`. */
  async function orderRpcs(): Promise<Record<string, number>> {
    const response = await fetch(`${suite.platform.service('order').internalUrl}/metrics`);
    expect(response.status).toBe(200);
    const counts: Record<string, number> = {};
    const line = /^rpc_handler_duration_seconds_count\{(.*)\} (\d+(?:\.\d+)?)$/;
    for (const text of (await response.text()).split('\n')) {
      const match = line.exec(text);
      if (!match) continue;
      const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
      const subject = labels.subject.replace(`${suite.platform.natsPrefix}.`, '');
      counts[`${subject} ${labels.outcome}`] = Number(match[2]);
    }
    return counts;
  }

  /** What the order service handled since `before`: `subject outcome` to how many more. */
  function since(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
    const added: Record<string, number> = {};
    for (const [series, count] of Object.entries(after)) {
      if (count !== (before[series] ?? 0)) added[series] = count - (before[series] ?? 0);
    }
    return added;
  }

  /** The order service handled nothing since `before`, watched for a little while in case a count comes late. */
  async function expectNoOrderRpcSince(before: Record<string, number>, what: string): Promise<void> {
    const until = Date.now() + SETTLE_MS;
    do {
      const added = since(before, await orderRpcs());
      expect({ what, orderServiceHandled: added }).toEqual({ what, orderServiceHandled: {} });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < until);
  }

  /** Sends the same checkout three more times; each is a replay of `first`, and none reaches the order service. */
  async function expectReplaysAnsweredAtGateway(
    first: ApiResponse<OrderBody>,
    replay: () => Promise<ApiResponse<OrderBody>>,
    what: string,
  ): Promise<void> {
    const before = await orderRpcs();
    for (let i = 0; i < 3; i++) {
      const again = await replay();
      expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
      expect(again.body).toEqual(first.body);
    }
    await expectNoOrderRpcSince(before, what);
  }

  it('counts the order service requests a first checkout makes (the measure sees them)', async () => {
    const sku = await sale.onSale(10);
    const before = await orderRpcs();
    const first = await buy(sku, 0, randomUUID());
    expect(first.body.status).toBe('PAID');
    const added = await eventually(
      async () => {
        const now = since(before, await orderRpcs());
        return now['order.checkout.place ok'] === 1 ? now : undefined;
      },
      { timeoutMs: 2_000, what: 'the placement in the order service metrics' },
    );
    expect(added).toMatchObject({ 'order.checkout.place ok': 1 });
  });

  it('replays a PAID order without asking the order service', async () => {
    const sku = await sale.onSale(10);
    const key = randomUUID();
    const first = await buy(sku, 0, key);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('PAID');
    await expectReplaysAnsweredAtGateway(first, () => buy(sku, 0, key), 'PAID replay');
  });

  it('replays an order cancelled for its payment without asking the order service', async () => {
    const sku = await sale.onSale(10, 5_000);
    const broke = await suite.shop.customerWithWallet(100);
    const key = randomUUID();
    const order = { items: [{ sku, quantity: 1 }] };
    const first = await suite.shop.checkout(broke, order, { key });
    expect(first.body).toMatchObject({ status: 'CANCELLED', failureReason: 'INSUFFICIENT_FUNDS' });
    await expectReplaysAnsweredAtGateway(
      first,
      () => suite.shop.checkout(broke, order, { key }),
      'INSUFFICIENT_FUNDS replay',
    );
  });

  it("replays the flash-sale gate's refusal without asking the order service", async () => {
    const sku = await sale.onSale(1);
    expect((await buy(sku, 1)).body.status).toBe('PAID');
    expect(await atRest(sku)).toBe(0);
    const key = randomUUID();
    const refused = await buy(sku, 2, key);
    expect(refused.status).toBe(201);
    expect(refused.headers.get('idempotent-replayed')).toBeNull();
    expect(refused.body).toMatchObject({ status: 'CANCELLED', failureReason: 'OUT_OF_STOCK' });
    await expectReplaysAnsweredAtGateway(refused, () => buy(sku, 2, key), 'gate refusal replay');
  });
});
