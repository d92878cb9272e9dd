import { ProviderBackCheck } from './provider-back-check';
import { ProviderPaymentsTestKit } from './provider-payments-test-kit';

describe('the back-check', () => {
  let kit: ProviderPaymentsTestKit;
  let backCheck: ProviderBackCheck;

  beforeAll(async () => {
    kit = await ProviderPaymentsTestKit.open('pay_back_check');
    // No settings: no periodic round; the test runs the rounds itself.
    backCheck = new ProviderBackCheck(kit.dataSource, kit.client, null);
  }, 60_000);
  afterAll(() => kit?.close());

  it('checks the other payments when the provider fails the query of one; that one is checked again later', async () => {
    const payments = [await kit.openPayment(), await kit.openPayment(), await kit.openPayment()];
    for (const payment of payments) expect((await kit.provider.pay(payment)).status).toBe(200);
    const [failing, ...others] = payments;
    // The failing one has waited longest, so that a round asks about it first.
    await kit.dataSource.query(
      `UPDATE provider_payments SET checked_at = now() - interval '1 hour' WHERE order_id = $1`,
      [failing.merchantOrderId],
    );
    await kit.provider.failQueries([failing.merchantOrderId]);

    expect(await backCheck.checkUnsettled(kit.settings)).toBe(2);
    for (const payment of others) expect((await kit.paymentHere(payment.merchantOrderId)).status).toBe('PAID');
    expect((await kit.paymentHere(failing.merchantOrderId)).status).toBe('AWAITING_PAYMENT');

    await kit.provider.failQueries([]);
    expect(await backCheck.checkUnsettled(kit.settings)).toBe(1);
    expect((await kit.paymentHere(failing.merchantOrderId)).status).toBe('PAID');
  });
});
