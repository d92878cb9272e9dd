import { ProviderPaymentsTestKit } from './provider-payments-test-kit';
import { ProviderReconciliation } from './provider-reconciliation';

describe('reconciliation with the provider statement', () => {
  let kit: ProviderPaymentsTestKit;
  let reconciliation: ProviderReconciliation;

  beforeAll(async () => {
    kit = await ProviderPaymentsTestKit.open('pay_reconcile');
    // Its periodic round starts only with the application, which this test has not.
    reconciliation = new ProviderReconciliation(kit.dataSource, kit.client, kit.settings);
  }, 60_000);
  afterAll(() => kit?.close());

  it('refunds a success of another amount than the payment, and reports it; a run again changes nothing', async () => {
    const payment = await kit.openPayment(1_000);
    const orderId = payment.merchantOrderId;
    await kit.atProvider('UPDATE provider_payments SET amount_cents = 1100 WHERE id = $1', [payment.paymentId]);
    expect((await kit.provider.pay(payment)).status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);

    const report = await reconciliation.reconcile(today);
    expect(report.findings).toEqual([expect.objectContaining({ orderId, kind: 'AMOUNT_MISMATCH', repaired: true })]);
    expect((await kit.paymentHere(orderId)).status).toBe('REFUNDED');
    const atProvider = await kit.client.paymentById(payment.paymentId);
    expect(atProvider).toMatchObject({ status: 'REFUNDED', refundedCents: 1_100 });
    const postings = (await kit.dataSource.query('SELECT 1 FROM postings WHERE reference = $1', [
      orderId,
    ])) as unknown[];
    expect(postings).toEqual([]);

    expect((await reconciliation.reconcile(today)).findings).toEqual([]);
  });
});
