import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import type { CouponRefusal } from '@zhongtai/contracts';
import { failure, SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { randomUUID } from 'node:crypto';
import { judgeEligibility } from '../coupons/coupon-eligibility';
import { Coupon } from '../coupons/coupon.entity';
import { heldByCustomer } from './customer-holdings';
import { CouponRedemption } from './redemption.entity';

type LockRequest = PayloadOf<typeof CouponCommands.lock>;
type LockResult = StepResult<{ discountCents: number }, CouponRefusal>;

@Injectable()
export class CouponLockHandler {
  /**
   * Locks one redemption of the coupon for the order: it counts against both caps from now on.
   *
   * The coupon row is locked first (SELECT ... FOR UPDATE), so the locks of one coupon run one
   * at a time and each sees the held counts its predecessors committed: neither the total nor
   * the per-customer cap can be overtaken by concurrent checkouts.
   *
   * Beyond the redemption rules, the lock refuses COUPON_INVALID when the coupon would now give
   * a different discount than the one the order was priced with moments earlier (the quote):
   * the order's total was computed from that discount, and a different one means the coupon is
   * not the one the customer was shown.
   */
  @SagaCommandHandler(CouponCommands.lock)
  async lock(request: LockRequest, { manager }: ParticipantContext): Promise<LockResult> {
    const coupon = await manager.findOne(Coupon, {
      where: { code: request.code },
      lock: { mode: 'pessimistic_write' },
    });
    const earlier = await manager.findOneBy(CouponRedemption, { orderId: request.orderId });
    if (earlier) return sameLockAgain(earlier, request);

    const eligibility = judgeEligibility(coupon, {
      subtotalCents: request.subtotalCents,
      heldByCustomer: coupon ? await heldByCustomer(manager, coupon.code, request.customerId) : 0,
      now: new Date(),
    });
    if (!eligibility.ok) return failure(eligibility.reason);
    if (eligibility.discountCents !== request.discountCents) {
      return failure(
        'COUPON_INVALID',
        `coupon ${request.code} now gives ${eligibility.discountCents}, the order was priced with ${request.discountCents}`,
      );
    }

    // Under the row lock this always raises held; the condition and the table's CHECK are the backstop.
    const [, raised]: [unknown[], number] = await manager.query(
      'UPDATE coupons SET held = held + 1 WHERE code = $1 AND held < max_redemptions',
      [request.code],
    );
    if (raised !== 1) return failure('COUPON_EXHAUSTED');
    await manager.insert(CouponRedemption, {
      id: randomUUID(),
      couponCode: request.code,
      customerId: request.customerId,
      orderId: request.orderId,
      status: 'LOCKED',
      discountCents: request.discountCents,
    });
    return success({ discountCents: request.discountCents });
  }
}

/**
 * The order already has a redemption (at most one per order). The barrier answers duplicates
 * of one saga step; this covers the order being locked again by another step or saga: the same
 * coupon still held is the same lock, anything else cannot be honoured.
 */
function sameLockAgain(earlier: CouponRedemption, request: LockRequest): LockResult {
  if (earlier.couponCode === request.code && earlier.status !== 'RELEASED') {
    return success({ discountCents: earlier.discountCents });
  }
  return failure(
    'COUPON_INVALID',
    `order ${request.orderId} already had coupon ${earlier.couponCode} (${earlier.status})`,
  );
}
