import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import type { CouponRefusal } from '@zhongtai/contracts';
import { failure, SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { randomUUID } from 'node:crypto';
import { judgeEligibility } from '../coupons/coupon-eligibility';
import type { CouponTerms } from '../coupons/coupon-eligibility';
import { CouponRedemption, HELD_STATUSES } from './redemption.entity';

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
    const [coupon]: CouponTerms[] = await manager.query(LOCK_COUPON, [request.code]);
    // Read after the lock, so that they include what the coupon's previous holder committed.
    const [{ earlier, heldByCustomer }]: { earlier: Earlier | null; heldByCustomer: number }[] = await manager.query(
      HOLDINGS,
      [request.orderId, request.code, request.customerId, HELD_STATUSES],
    );
    if (earlier) return sameLockAgain(earlier, request);

    const eligibility = judgeEligibility(coupon ?? null, {
      subtotalCents: request.subtotalCents,
      heldByCustomer,
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
    const locked: unknown[] = await manager.query(HOLD, [
      request.code,
      randomUUID(),
      request.customerId,
      request.orderId,
      request.discountCents,
    ]);
    if (locked.length !== 1) return failure('COUPON_EXHAUSTED');
    return success({ discountCents: request.discountCents });
  }
}

/** The coupon, locked: the locks of one coupon run one at a time. */
const LOCK_COUPON = `SELECT kind, value, min_subtotal_cents AS "minSubtotalCents", max_redemptions AS "maxRedemptions",
    per_customer_limit AS "perCustomerLimit", valid_from AS "validFrom", valid_until AS "validUntil", held
  FROM coupons WHERE code = $1 FOR UPDATE`;

/** The order's redemption, if it has one, and how many of the coupon's redemptions the customer holds. */
const HOLDINGS = `SELECT
    (SELECT json_build_object('couponCode', coupon_code, 'status', status, 'discountCents', discount_cents)
      FROM coupon_redemptions WHERE order_id = $1) AS earlier,
    (SELECT count(*) FROM coupon_redemptions
      WHERE coupon_code = $2 AND customer_id = $3 AND status = ANY($4::text[]))::integer AS "heldByCustomer"`;

/** One more redemption held, and the order's redemption LOCKED, together or (no room left) neither. */
const HOLD = `WITH raised AS (
    UPDATE coupons SET held = held + 1 WHERE code = $1 AND held < max_redemptions RETURNING code)
  INSERT INTO coupon_redemptions (id, coupon_code, customer_id, order_id, status, discount_cents)
  SELECT $2, code, $3, $4, 'LOCKED', $5 FROM raised RETURNING id`;

type Earlier = Pick<CouponRedemption, 'couponCode' | 'status' | 'discountCents'>;

/**
 * The order already has a redemption (at most one per order). The barrier answers duplicates
 * of one saga step; this covers the order being locked again by another step or saga: the same
 * coupon still held is the same lock, anything else cannot be honoured.
 */
function sameLockAgain(earlier: Earlier, request: LockRequest): LockResult {
  if (earlier.couponCode === request.code && earlier.status !== 'RELEASED') {
    return success({ discountCents: earlier.discountCents });
  }
  return failure(
    'COUPON_INVALID',
    `order ${request.orderId} already had coupon ${earlier.couponCode} (${earlier.status})`,
  );
}
