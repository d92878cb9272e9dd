import { CouponCommands, InventoryCommands, PaymentCommands } from '@zhongtai/contracts';
import { defineSaga } from '@zhongtai/saga';
import { moveOrder } from '../orders/order-transitions';

export interface CancelOrderData {
  orderId: string;
  couponCode: string | null;
}

/** Reverses a paid order: every step must succeed, so all are retriable (parked if they cannot). */
export const cancelOrderSaga = defineSaga<CancelOrderData>('cancelOrder', 1)
  .retriable('refundPayment', PaymentCommands.refund, (o) => ({ orderId: o.orderId }))
  .retriable('restockItems', InventoryCommands.restock, (o) => ({ orderId: o.orderId }))
  .retriable('restoreCoupon', CouponCommands.restore, (o) => ({ orderId: o.orderId }))
  .when((o) => o.couponCode !== null)
  .onCompleted(({ manager, data }) => moveOrder(manager, data.orderId, 'CANCELLING', 'REFUNDED'))
  .build();
