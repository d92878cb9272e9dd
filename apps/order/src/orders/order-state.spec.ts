import type { OrderStatus } from '@zhongtai/contracts';
import { canMove } from './order-state';

const ALL: OrderStatus[] = ['PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'];
const ALLOWED = [
  'PENDING->PAID',
  'PENDING->CANCELLED',
  'PENDING->AWAITING_PAYMENT',
  'AWAITING_PAYMENT->PAID',
  'AWAITING_PAYMENT->CANCELLED',
  'PAID->CANCELLING',
  'CANCELLING->REFUNDED',
];

describe('the order state machine', () => {
  it.each(ALL.flatMap((from) => ALL.map((to) => [from, to] as const)))(
    'decides whether %s may become %s',
    (from, to) => {
      expect(canMove(from, to)).toBe(ALLOWED.includes(`${from}->${to}`));
    },
  );
});
