import { CouponCommands, InventoryCommands, PaymentCommands } from '@zhongtai/contracts';
import type { FailureReason, OrderLine } from '@zhongtai/contracts';
import { defineSaga, reviseSaga } from '@zhongtai/saga';
import { moveOrder } from '../orders/order-transitions';

/** What the checkout saga carries: the order as priced when it was placed. */
export interface CheckoutData {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  couponCode: string | null;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}

/**
 * docs/design.md's checkout as it was first: reserve, lock the coupon, charge (the pivot), then
 * confirm and redeem; the order was paid when the saga completed. Registered until no instance
 * started on it is live (`SagaQueries.liveByDefinition`).
 */
export const checkoutSagaV1 = defineSaga<CheckoutData>('checkout', 1)
  .step('reserveStock', InventoryCommands.reserve, (o) => ({ orderId: o.orderId, lines: o.lines }))
  .compensateWith(InventoryCommands.release, (o) => ({ orderId: o.orderId }))
  .step('lockCoupon', CouponCommands.lock, (o) => ({
    orderId: o.orderId,
    customerId: o.customerId,
    code: o.couponCode!,
    subtotalCents: o.subtotalCents,
    discountCents: o.discountCents,
  }))
  .when((o) => o.couponCode !== null)
  .compensateWith(CouponCommands.release, (o) => ({ orderId: o.orderId }))
  .pivot('chargeWallet', PaymentCommands.charge, (o) => ({
    orderId: o.orderId,
    customerId: o.customerId,
    amountCents: o.totalCents,
  }))
  .compensateWith(PaymentCommands.refund, (o) => ({ orderId: o.orderId }))
  .retriable('confirmReservation', InventoryCommands.confirm, (o) => ({ orderId: o.orderId }))
  .retriable('redeemCoupon', CouponCommands.redeem, (o) => ({ orderId: o.orderId }))
  .when((o) => o.couponCode !== null)
  .onCompleted(({ manager, data }) => moveOrder(manager, data.orderId, 'PENDING', 'PAID'))
  .onCompensated(({ manager, data, failure }) =>
    moveOrder(manager, data.orderId, 'PENDING', 'CANCELLED', failure.reason as FailureReason),
  )
  .build();

/**
 * docs/design.md's checkout: the order is paid once the wallet is charged (the pivot's hook),
 * not after the stock is confirmed and the coupon redeemed. From the pivot on the saga only
 * goes forward, so the customer's answer need not wait for those two steps.
 */
export const checkoutSaga = reviseSaga(checkoutSagaV1, 2)
  .atStep('chargeWallet')
  .onSucceeded(({ manager, data }) => moveOrder(manager, data.orderId, 'PENDING', 'PAID'))
  .withoutOnCompleted()
  .build();
