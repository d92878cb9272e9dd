import { EntityManager, In } from 'typeorm';
import { CouponRedemption, HELD_STATUSES } from './redemption.entity';

/** How many redemptions of a coupon one customer holds (locked or redeemed): the per-customer cap counts these. */
export function heldByCustomer(manager: EntityManager, code: string, customerId: string): Promise<number> {
  return manager.countBy(CouponRedemption, { couponCode: code, customerId, status: In(HELD_STATUSES) });
}
