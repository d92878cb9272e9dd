import type { OrderView } from '@zhongtai/contracts';
import type { Order } from './order.entity';

export function toOrderView(order: Order): OrderView {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items,
    subtotalCents: order.subtotalCents,
    discountCents: order.discountCents,
    totalCents: order.totalCents,
    currency: order.currency,
    couponCode: order.couponCode,
    paymentMethod: order.paymentMethod,
    ...(order.payUrl && order.paymentExpiresAt
      ? { payment: { payUrl: order.payUrl, expiresAt: order.paymentExpiresAt.toISOString() } }
      : {}),
    failureReason: order.failureReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
