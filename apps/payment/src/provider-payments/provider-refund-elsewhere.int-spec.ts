import { randomUUID } from 'node:crypto';
import type { CreatedProviderPayment } from '@zhongtai/contracts';
import type { ParticipantContext } from '@zhongtai/saga';
import { EntityManager } from 'typeorm';
import { PaymentRefundHandler } from '../charges/payment-refund.handler';
import { PaymentClosePaymentHandler } from './payment-close-payment.handler';
import { providerPayments } from './provider-payment-store';
import { ProviderPaymentsTestKit } from './provider-payments-test-kit';
import { refundAtProvider, settlePayment } from './provider-settlement';

describe('a payment refunded at the provider by someone else', () => {
  let kit: ProviderPaymentsTestKit;
  let close: PaymentClosePaymentHandler;
  let refund: PaymentRefundHandler;

  beforeAll(async () => {
    kit = await ProviderPaymentsTestKit.open('pay_refunded_elsewhere');
    close = new PaymentClosePaymentHandler(kit.client);
    refund = new PaymentRefundHandler(kit.client);
  }, 60_000);
  afterAll(() => kit?.close());

  const inStep = <T>(work: (context: ParticipantContext) => Promise<T>): Promise<T> =>
    kit.dataSource.transaction((manager: EntityManager) =>
      work({ manager, sagaId: randomUUID(), step: 2, attempt: 1 }),
    );

  /** Paid by the customer, then refunded in full by an operator at the provider, the platform told nothing. */
  const refundedByOperator = async (payment: CreatedProviderPayment) => {
    expect((await kit.provider.pay(payment)).status).toBe(200);
    const refunded = await kit.provider.call('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId: `operator-${payment.merchantOrderId}`,
    });
    expect(refunded.status).toBe(201);
  };

  const ledgerOf = async (orderId: string) =>
    (
      (await kit.dataSource.query('SELECT kind FROM postings WHERE reference = $1 ORDER BY kind', [orderId])) as {
        kind: string;
      }[]
    ).map((row) => row.kind);

  it('closes it (the compensation of an expired order) as refunded, once: the money is back at the customer', async () => {
    const payment = await kit.openPayment(1_500);
    await refundedByOperator(payment);
    const orderId = payment.merchantOrderId;

    await expect(inStep((context) => close.closePayment({ orderId }, context))).resolves.toEqual({
      ok: true,
      output: undefined,
    });
    expect((await kit.paymentHere(orderId)).status).toBe('REFUNDED');
    expect(await ledgerOf(orderId)).toEqual(['CHARGE', 'REFUND']);
    await expect(inStep((context) => close.closePayment({ orderId }, context))).resolves.toMatchObject({ ok: true });
    expect(await ledgerOf(orderId)).toEqual(['CHARGE', 'REFUND']);
  });

  it('refunds a PAID order (the cancel saga) as refunded', async () => {
    const payment = await kit.openPayment(2_500);
    const orderId = payment.merchantOrderId;
    expect((await kit.provider.pay(payment)).status).toBe(200);
    await kit.dataSource.transaction(async (manager) => {
      await settlePayment(manager, kit.client, (await providerPayments.lock(manager, orderId))!, 'SUCCEEDED');
    });
    expect((await kit.paymentHere(orderId)).status).toBe('PAID');
    const refunded = await kit.provider.call('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId: `operator-${orderId}`,
    });
    expect(refunded.status).toBe(201);

    await expect(inStep((context) => refund.refund({ orderId }, context))).resolves.toMatchObject({ ok: true });
    expect((await kit.paymentHere(orderId)).status).toBe('REFUNDED');
    expect(await ledgerOf(orderId)).toEqual(['CHARGE', 'REFUND']);
  });

  it('still fails a refund the provider refuses for another reason (the payment not paid there)', async () => {
    const payment = await kit.openPayment();
    const orderId = payment.merchantOrderId;
    await expect(
      kit.dataSource.transaction(async (manager) =>
        refundAtProvider(manager, kit.client, (await providerPayments.lock(manager, orderId))!),
      ),
    ).rejects.toThrow(/409 PAYMENT_NOT_REFUNDABLE/);
    expect((await kit.paymentHere(orderId)).status).toBe('AWAITING_PAYMENT');
    expect(await ledgerOf(orderId)).toEqual([]);
  });
});
