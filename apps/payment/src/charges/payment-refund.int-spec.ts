import { randomUUID } from 'node:crypto';
import { PaymentTestKit } from '../testing/payment-test-kit';

describe('refunding an order', () => {
  let ledger: PaymentTestKit;

  beforeAll(async () => {
    ledger = await PaymentTestKit.open('pay_refund');
  });

  afterAll(() => ledger.close());

  async function chargedOrder(amountCents: number) {
    const customerId = await ledger.customerWithWallet(10_000);
    const orderId = randomUUID();
    await ledger.charge({ orderId, customerId, amountCents });
    return { customerId, orderId };
  }

  it('gives the charge back from the merchant to the wallet it came from', async () => {
    const { customerId, orderId } = await chargedOrder(4_200);
    const merchantBefore = await ledger.merchantBalance();

    await expect(ledger.refund(orderId)).resolves.toEqual({ ok: true, output: undefined });

    expect(await ledger.walletBalance(customerId)).toBe(10_000);
    expect(await ledger.merchantBalance()).toBe(merchantBefore - 4_200);
    expect((await ledger.stats.netCharges({ after: null, upTo: null })).netChargedByOrder[orderId]).toBe(0);
  });

  it('does nothing, successfully, for an order that was never charged', async () => {
    const merchantBefore = await ledger.merchantBalance();
    const orderId = randomUUID();

    await expect(ledger.refund(orderId)).resolves.toEqual({ ok: true, output: undefined });

    expect(await ledger.merchantBalance()).toBe(merchantBefore);
    expect(await ledger.postingCount('REFUND', orderId)).toBe(0);
  });

  it('does nothing for a free order, which was paid without a posting', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    await ledger.charge({ orderId, customerId, amountCents: 0 });

    await expect(ledger.refund(orderId)).resolves.toEqual({ ok: true, output: undefined });
    expect(await ledger.postingCount('REFUND', orderId)).toBe(0);
  });

  it('refunds once when asked twice, one after the other', async () => {
    const { customerId, orderId } = await chargedOrder(3_000);

    await ledger.refund(orderId);
    await expect(ledger.refund(orderId)).resolves.toEqual({ ok: true, output: undefined });

    expect(await ledger.walletBalance(customerId)).toBe(10_000);
    expect(await ledger.postingCount('REFUND', orderId)).toBe(1);
  });

  it('refunds once when a compensation and a cancellation ask at the same time', async () => {
    const { customerId, orderId } = await chargedOrder(3_000);

    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.refund(orderId)));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(await ledger.walletBalance(customerId)).toBe(10_000);
    expect(await ledger.postingCount('REFUND', orderId)).toBe(1);
  });

  it('does not charge a refunded order again', async () => {
    const { customerId, orderId } = await chargedOrder(3_000);
    await ledger.refund(orderId);

    await expect(ledger.charge({ orderId, customerId, amountCents: 3_000 })).resolves.toMatchObject({ ok: true });

    expect(await ledger.walletBalance(customerId)).toBe(10_000);
    expect((await ledger.stats.netCharges({ after: null, upTo: null })).netChargedByOrder[orderId]).toBe(0);
  });
});

/**
 * The ledger's conditional debit protects the merchant account too: a refund whose charge the
 * merchant no longer holds (only a bug or a hand edit can do that, nothing else pays out of it)
 * throws, so that the saga is retried and parked where an operator sees it, instead of passing
 * as refunded with nothing given back.
 */
describe('refunding an order the merchant account cannot pay back', () => {
  let ledger: PaymentTestKit;

  beforeAll(async () => {
    ledger = await PaymentTestKit.open('pay_refund_broken');
  });

  afterAll(() => ledger.close());

  it('throws and moves nothing', async () => {
    const customerId = await ledger.customerWithWallet(10_000);
    const orderId = randomUUID();
    await ledger.charge({ orderId, customerId, amountCents: 4_200 });
    // The broken invariant, by hand: the merchant's balance no longer holds the charge.
    await ledger.dataSource.query(`UPDATE accounts SET balance_cents = 4199 WHERE id = 'merchant'`);

    await expect(ledger.refund(orderId)).rejects.toThrow(
      `the merchant account cannot return the charge of order ${orderId}`,
    );

    expect(await ledger.walletBalance(customerId)).toBe(5_800);
    expect(await ledger.merchantBalance()).toBe(4_199);
    expect(await ledger.postingCount('REFUND', orderId)).toBe(0);
  });
});
