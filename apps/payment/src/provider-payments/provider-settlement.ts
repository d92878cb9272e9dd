import { Logger } from '@nestjs/common';
import { deliverLateReply, failure, success } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { ProviderClient, ProviderRefusal } from './provider-client';
import { postProviderCharge, postProviderRefund } from './provider-ledger';
import { ProviderPaymentRow, providerPayments } from './provider-payment-store';

const logger = new Logger('ProviderSettlement');

/** The refund of an order's provider payment has one id, so a repeated refund is the same one. */
export const refundIdOf = (orderId: string) => `refund-${orderId}`;

/**
 * Applies the provider's outcome of a payment (from a notification or the back-check) to the
 * order's payment, locked by the caller, once: the first outcome moves it, any later one
 * changes nothing. Money the provider collected is posted and the waiting saga step answered;
 * if that step was compensated meanwhile (the order expired or was cancelled), the late reply
 * is refused by its barrier and the money goes back at the provider instead.
 */
export async function settlePayment(
  manager: EntityManager,
  client: ProviderClient,
  payment: ProviderPaymentRow,
  outcome: 'SUCCEEDED' | 'FAILED',
): Promise<void> {
  if (outcome === 'FAILED') {
    if (payment.status !== 'AWAITING_PAYMENT') return;
    await providerPayments.move(manager, payment.order_id, 'FAILED');
    await answerWaitingStep(manager, payment, failure('PAYMENT_FAILED', 'the provider declined the payment'));
    return;
  }
  if (payment.status === 'PAID' || payment.status === 'REFUNDED') return;
  if (payment.status !== 'AWAITING_PAYMENT') {
    // Closed or declined here, paid there: the money is not the merchant's to keep.
    logger.warn(`order ${payment.order_id}: the provider collected a payment given up here; refunding it`);
    await refundAtProvider(manager, client, payment);
    return;
  }
  const answered = await answerWaitingStep(
    manager,
    payment,
    success({ providerPaymentId: payment.provider_payment_id }),
  );
  if (answered === 'compensated') {
    await refundAtProvider(manager, client, payment);
    return;
  }
  await postProviderCharge(manager, payment);
  await providerPayments.move(manager, payment.order_id, 'PAID');
}

/**
 * Gives an order's provider payment back at the provider, then in the ledger: the money it
 * collected comes in as the order's charge (once: a charge posted already stands) and goes out
 * as its refund. The provider is called before any ledger row is locked, so that the accounts
 * every charge needs (the merchant's) are never held while it answers; the refund has one id,
 * so a retry after a failure here refunds once, and a payment refunded there in full by
 * someone else counts as refunded.
 */
export async function refundAtProvider(
  manager: EntityManager,
  client: ProviderClient,
  payment: ProviderPaymentRow,
): Promise<void> {
  await refundRestAtProvider(client, payment);
  await postProviderCharge(manager, payment);
  await postProviderRefund(manager, payment);
  await providerPayments.move(manager, payment.order_id, 'REFUNDED');
}

/**
 * Refunds what is left of the payment at the provider, under the order's one refund id. A
 * payment refunded there in full already, by someone else (an operator on the provider's side),
 * has its money back, which is all this refund is for: the provider refuses the refund (409),
 * and its record of the payment, REFUNDED, makes that refusal a success, so that the saga that
 * compensates or cancels the order goes on instead of retrying a refund that can never be made.
 */
async function refundRestAtProvider(client: ProviderClient, payment: ProviderPaymentRow): Promise<void> {
  try {
    await client.refundPayment(payment.provider_payment_id, refundIdOf(payment.order_id));
  } catch (error) {
    if (!(error instanceof ProviderRefusal && error.status === 409)) throw error;
    const seen = await client.paymentById(payment.provider_payment_id);
    if (seen.status !== 'REFUNDED') throw error;
    logger.warn(
      `order ${payment.order_id}: its payment was refunded at the provider by someone else (${seen.refundedCents} cents); taken as its refund`,
    );
  }
}

async function answerWaitingStep(
  manager: EntityManager,
  payment: ProviderPaymentRow,
  result: Parameters<typeof deliverLateReply>[2],
): Promise<'sent' | 'already-sent' | 'compensated' | 'not-waiting'> {
  if (payment.saga_id === null || payment.collect_step === null) return 'not-waiting';
  return deliverLateReply(manager, { sagaId: payment.saga_id, step: payment.collect_step }, result);
}
