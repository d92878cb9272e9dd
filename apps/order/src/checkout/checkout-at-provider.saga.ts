import { CouponCommands, InventoryCommands, PaymentCommands } from '@zhongtai/contracts';
import type { FailureReason } from '@zhongtai/contracts';
import { defineSaga, reviseSaga } from '@zhongtai/saga';
import type { SagaFailure } from '@zhongtai/saga';
import { awaitPayment, moveOrder } from '../orders/order-transitions';
import type { CheckoutData } from './checkout.saga';

/** A checkout paid at the provider also carries until when its payment may be made there. */
export interface CheckoutAtProviderData extends CheckoutData {
  paymentExpiresAt: string;
}

/**
 * docs/design.md's checkout paid at the provider: reserve, lock the coupon, open the payment at
 * the provider (the order awaits payment, with the pay URL), collect it (the pivot, whose reply
 * is the provider's outcome, within the payment window), then confirm and redeem. The window is
 * the collect step's deadline: a saga deadline, swept from the saga table by every orchestrator,
 * so that no process has to stay up for it.
 */
export function checkoutAtProviderSagaV1(paymentWindowMs: number) {
  return defineSaga<CheckoutAtProviderData>('checkoutAtProvider', 1)
    .step('reserveStock', InventoryCommands.reserve, (checkout) => ({
      orderId: checkout.orderId,
      lines: checkout.lines,
    }))
    .compensateWith(InventoryCommands.release, (checkout) => ({ orderId: checkout.orderId }))
    .step('lockCoupon', CouponCommands.lock, (checkout) => ({
      orderId: checkout.orderId,
      customerId: checkout.customerId,
      code: checkout.couponCode!,
      subtotalCents: checkout.subtotalCents,
      discountCents: checkout.discountCents,
    }))
    .when((checkout) => checkout.couponCode !== null)
    .compensateWith(CouponCommands.release, (checkout) => ({ orderId: checkout.orderId }))
    .step('openPayment', PaymentCommands.openPayment, (checkout) => ({
      orderId: checkout.orderId,
      customerId: checkout.customerId,
      amountCents: checkout.totalCents,
      expiresAt: checkout.paymentExpiresAt,
    }))
    .onSucceeded(({ manager, data, outputs }) => awaitPayment(manager, data.orderId, outputs.openPayment!))
    .compensateWith(PaymentCommands.closePayment, (checkout) => ({ orderId: checkout.orderId }))
    .pivot('collectPayment', PaymentCommands.collectPayment, (checkout) => ({ orderId: checkout.orderId }))
    .retry({ timeoutMs: paymentWindowMs, maxTimeoutMs: paymentWindowMs, maxAttempts: 1, jitter: 0 })
    .compensateWith(PaymentCommands.closePayment, (checkout) => ({ orderId: checkout.orderId }))
    .retriable('confirmReservation', InventoryCommands.confirm, (checkout) => ({ orderId: checkout.orderId }))
    .retriable('redeemCoupon', CouponCommands.redeem, (checkout) => ({ orderId: checkout.orderId }))
    .when((checkout) => checkout.couponCode !== null)
    .onCompleted(({ manager, data }) => moveOrder(manager, data.orderId, 'AWAITING_PAYMENT', 'PAID'))
    .onCompensated(({ manager, data, failure }) =>
      moveOrder(manager, data.orderId, ['PENDING', 'AWAITING_PAYMENT'], 'CANCELLED', cancelledBecause(failure)),
    )
    .build();
}

/**
 * The checkout paid at the provider as it is now: the order is paid once the payment is
 * collected (the pivot's hook), as the wallet checkout is once charged. Version 1 (paid when
 * the saga completed) stays registered until none of its instances is live.
 */
export function checkoutAtProviderSaga(paymentWindowMs: number) {
  return reviseSaga(checkoutAtProviderSagaV1(paymentWindowMs), 2)
    .atStep('collectPayment')
    .onSucceeded(({ manager, data }) => moveOrder(manager, data.orderId, 'AWAITING_PAYMENT', 'PAID'))
    .withoutOnCompleted()
    .build();
}

export type CheckoutAtProviderSaga = ReturnType<typeof checkoutAtProviderSaga>;

/** An unpaid window is PAYMENT_EXPIRED; every other reason is the step's own. */
function cancelledBecause(failure: SagaFailure): FailureReason {
  if (failure.step === 'collectPayment' && failure.reason === 'TIMEOUT') return 'PAYMENT_EXPIRED';
  return failure.reason as FailureReason;
}
