import { randomUUID } from 'node:crypto';
import { PaymentTestKit } from '../testing/payment-test-kit';

describe('charging an order', () => {
  let ledger: PaymentTestKit;

  beforeAll(async () => {
    ledger = await PaymentTestKit.open('pay_charge');
  });

  afterAll(() => ledger.close());

  it('moves the total from the wallet to the merchant in one posting whose entries sum to zero', async () => {
    const customerId = await ledger.customerWithWallet(10_000);
    const merchantBefore = await ledger.merchantBalance();
    const orderId = randomUUID();

    const result = await ledger.charge({ orderId, customerId, amountCents: 3_500 });

    expect(result).toEqual({ ok: true, output: { postingId: expect.any(String) } });
    expect(await ledger.walletBalance(customerId)).toBe(6_500);
    expect(await ledger.merchantBalance()).toBe(merchantBefore + 3_500);
    const entries: { account_id: string; amount_cents: string }[] = await ledger.dataSource.query(
      'SELECT account_id, amount_cents FROM ledger_entries WHERE posting_id = $1 ORDER BY amount_cents',
      [result.ok && result.output.postingId],
    );
    expect(entries).toEqual([
      { account_id: `wallet:${customerId}`, amount_cents: '-3500' },
      { account_id: 'merchant', amount_cents: '3500' },
    ]);
    const stats = await ledger.stats.ledgerStats();
    expect(stats.ledgerSumCents).toBe(0);
    expect((await ledger.stats.netCharges({ after: null, upTo: null })).netChargedByOrder[orderId]).toBe(3_500);
  });

  it('refuses with INSUFFICIENT_FUNDS and leaves every balance as it was', async () => {
    const customerId = await ledger.customerWithWallet(999);
    const merchantBefore = await ledger.merchantBalance();
    const orderId = randomUUID();

    const result = await ledger.charge({ orderId, customerId, amountCents: 1_000 });

    expect(result).toEqual({ ok: false, reason: 'INSUFFICIENT_FUNDS' });
    expect(await ledger.walletBalance(customerId)).toBe(999);
    expect(await ledger.merchantBalance()).toBe(merchantBefore);
    expect(await ledger.postingCount('CHARGE', orderId)).toBe(0);
  });

  it('declines a customer who has no wallet', async () => {
    await expect(ledger.charge({ orderId: randomUUID(), customerId: randomUUID(), amountCents: 100 })).resolves.toEqual(
      { ok: false, reason: 'PAYMENT_DECLINED', detail: 'the customer has no wallet' },
    );
    await expect(ledger.charge({ orderId: randomUUID(), customerId: 'not-a-uuid', amountCents: 100 })).resolves.toEqual(
      expect.objectContaining({ ok: false, reason: 'PAYMENT_DECLINED' }),
    );
  });

  it.each([-1, 1.5])('declines an amount of %p cents instead of retrying it forever', async (amountCents) => {
    const customerId = await ledger.customerWithWallet(100);
    await expect(ledger.charge({ orderId: randomUUID(), customerId, amountCents })).resolves.toMatchObject({
      ok: false,
      reason: 'PAYMENT_DECLINED',
    });
  });

  it('pays a free order without a posting', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();

    await expect(ledger.charge({ orderId, customerId, amountCents: 0 })).resolves.toEqual({
      ok: true,
      output: { postingId: '' },
    });
    expect(await ledger.postingCount('CHARGE', orderId)).toBe(0);
  });

  it('charges an order once: charging it again answers with the first posting and moves nothing', async () => {
    const customerId = await ledger.customerWithWallet(5_000);
    const orderId = randomUUID();

    const first = await ledger.charge({ orderId, customerId, amountCents: 2_000 });
    const again = await Promise.all([1, 2, 3].map(() => ledger.charge({ orderId, customerId, amountCents: 2_000 })));

    expect(again).toEqual([first, first, first]);
    expect(await ledger.walletBalance(customerId)).toBe(3_000);
    expect(await ledger.postingCount('CHARGE', orderId)).toBe(1);
  });

  it('lets exactly 7 of 30 concurrent orders through a wallet that affords 7, never going negative', async () => {
    const customerId = await ledger.customerWithWallet(7 * 1_300 + 1_299);
    const merchantBefore = await ledger.merchantBalance();
    let lowest = Number.POSITIVE_INFINITY;
    let charging = true;
    const watcher = (async () => {
      while (charging) lowest = Math.min(lowest, await ledger.walletBalance(customerId));
    })();

    const results = await Promise.all(
      Array.from({ length: 30 }, () => ledger.charge({ orderId: randomUUID(), customerId, amountCents: 1_300 })),
    );
    charging = false;
    await watcher;

    expect(results.filter((result) => result.ok)).toHaveLength(7);
    expect(results.filter((result) => !result.ok)).toEqual(Array(23).fill({ ok: false, reason: 'INSUFFICIENT_FUNDS' }));
    expect(await ledger.walletBalance(customerId)).toBe(1_299);
    expect(lowest).toBeGreaterThanOrEqual(1_299);
    expect(await ledger.merchantBalance()).toBe(merchantBefore + 7 * 1_300);
  });

  it('charges and refunds of one customer racing each other neither deadlock nor lose money', async () => {
    const customerId = await ledger.customerWithWallet(40 * 100);
    const paid = Array.from({ length: 20 }, () => randomUUID());
    for (const orderId of paid) await ledger.charge({ orderId, customerId, amountCents: 100 });

    const refunds = paid.map((orderId) => ledger.refund(orderId));
    const charges = Array.from({ length: 20 }, () =>
      ledger.charge({ orderId: randomUUID(), customerId, amountCents: 100 }),
    );
    const results = await Promise.all([...refunds, ...charges]);

    expect(results.every((result) => result.ok)).toBe(true);
    expect(await ledger.walletBalance(customerId)).toBe(20 * 100);
    expect(await ledger.balancesOffTheirEntries()).toEqual([]);
  });
});
