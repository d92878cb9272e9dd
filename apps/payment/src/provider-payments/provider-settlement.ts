import { Logger } from '@nestjs/common';
import type { ProviderPaymentView } from '@zhongtai/contracts';
import { deliverLateReply, failure, success } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { ProviderClient, ProviderRefusal } from './provider-client';
import { recordFinding } from './provider-findings';
import { postProviderCharge, postProviderRefund } from './provider-ledger';
import { ProviderPaymentRow, providerPayments } from './provider-payment-store';

const logger = new Logger('ProviderSettlement');

/** The refund of an order's provider payment has one id, so a repeated refund is the same one. */
export const refundIdOf = (orderId: string) => `refund-${orderId}`;

/** The currency every payment is opened in at the provider. */
export const PAYMENT_CURRENCY = 'CNY';

/**
 * How what the provider says it collected differs from the payment the platform opened (another
 * amount, another currency), undefined when it does not. The provider keeps one payment per
 * merchant order of one amount, so a difference is a fault on its side (or a leaked secret):
 * never a reason to believe the order was paid.
 */
export function mismatchOf(
  payment: ProviderPaymentRow,
  collected: { amountCents: number; currency?: string },
): string | undefined {
  if (collected.amountCents !== Number(payment.amount_cents)) {
    return `the provider says ${collected.amountCents} cents, the order's payment is ${payment.amount_cents}`;
  }
  if (collected.currency !== undefined && collected.currency !== PAYMENT_CURRENCY) {
    return `the provider says ${collected.currency}, the order's payment is in ${PAYMENT_CURRENCY}`;
  }
  return undefined;
}

/**
 * Applies the provider's record of a payment (the back-check's answer), locked by the caller:
 * a success of the amount and currency the platform asked for is settled as a notification of
 * it would be; a success of another is refused (below) and reported to operators.
 */
export async function settleFromRecord(
  manager: EntityManager,
  client: ProviderClient,
  payment: ProviderPaymentRow,
  seen: ProviderPaymentView & { status: 'SUCCEEDED' | 'FAILED' },
): Promise<void> {
  const mismatch = seen.status === 'SUCCEEDED' ? mismatchOf(payment, seen) : undefined;
  if (!mismatch) return settlePayment(manager, client, payment, seen.status);
  const refunded = await refuseMismatchedSuccess(manager, client, payment, mismatch);
  await recordFinding(manager, {
    orderId: payment.order_id,
    providerPaymentId: payment.provider_payment_id,
    kind: 'AMOUNT_MISMATCH',
    detail: `the back-check: ${mismatch}${refunded ? '; refunded there, the order failed' : ''}`,
    repaired: refunded,
  });
}

/**
 * A success of another amount or currency than the order's payment: the order is not paid by it,
 * and the money is not the merchant's to keep. Refunded in full at the provider (whatever it
 * collected, its remainder), with no ledger posting, since no charge of the order ever came in;
 * the payment ends REFUNDED and the waiting saga step is answered PAYMENT_FAILED, so that the
 * order is cancelled and its stock and coupon released. A payment PAID here was settled on a
 * success of its amount before: what the provider says now is for an operator, and nothing is
 * undone. Returns whether it refunded.
 */
export async function refuseMismatchedSuccess(
  manager: EntityManager,
  client: ProviderClient,
  payment: ProviderPaymentRow,
  mismatch: string,
): Promise<boolean> {
  if (payment.status === 'PAID' || payment.status === 'REFUNDED') return false;
  logger.warn(`order ${payment.order_id}: ${mismatch}; refunding it there`);
  await refundRestAtProvider(client, payment);
  await providerPayments.move(manager, payment.order_id, 'REFUNDED');
  if (payment.status === 'AWAITING_PAYMENT') {
    await answerWaitingStep(manager, payment, failure('PAYMENT_FAILED', `refused and refunded: ${mismatch}`));
  }
  return true;
}

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
