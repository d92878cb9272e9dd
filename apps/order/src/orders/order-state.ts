import type { OrderStatus } from '@zhongtai/contracts';

/**
 * The order state machine: PENDING ends PAID or CANCELLED (checkout saga), paid at the
 * provider through AWAITING_PAYMENT (its payment opened there, the customer's turn); PAID goes
 * CANCELLING then REFUNDED (cancel saga). Nothing else is allowed.
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['AWAITING_PAYMENT', 'PAID', 'CANCELLED'],
  AWAITING_PAYMENT: ['PAID', 'CANCELLED'],
  PAID: ['CANCELLING'],
  CANCELLING: ['REFUNDED'],
  CANCELLED: [],
  REFUNDED: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['PAID', 'CANCELLED', 'REFUNDED'];

export class IllegalOrderTransition extends Error {
  constructor(orderId: string, from: OrderStatus | 'missing', to: OrderStatus) {
    super(`order ${orderId}: ${from} -> ${to} is not allowed`);
    this.name = 'IllegalOrderTransition';
  }
}
