import { HttpStatus, Injectable } from '@nestjs/common';
import type { CouponQuoteRequest, CouponQuoteResponse, CreateCouponRequest } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { DataSource, QueryFailedError } from 'typeorm';
import { heldByCustomer } from '../redemptions/customer-holdings';
import { judgeEligibility } from './coupon-eligibility';
import { Coupon } from './coupon.entity';
import { checkTerms } from './coupon-terms';

/** A coupon as the operator created it (the contracts define no separate view, so it mirrors the request). */
export type CouponView = CreateCouponRequest;

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class CouponsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a coupon with nothing held; 409 COUPON_EXISTS if the code is taken, 400 for inconsistent terms. */
  async createCoupon(request: CreateCouponRequest): Promise<CouponView> {
    const terms = checkTerms(request);
    if (!terms.ok) {
      const fields = terms.errors.map((error) => error.field).join(', ');
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        `Invalid fields: ${fields}`,
        terms.errors,
      );
    }
    const coupon = this.dataSource.manager.create(Coupon, {
      code: request.code,
      kind: request.kind,
      value: request.value,
      minSubtotalCents: request.minSubtotalCents,
      maxRedemptions: request.maxRedemptions,
      perCustomerLimit: request.perCustomerLimit,
      ...terms.window,
      held: 0,
    });
    try {
      await this.dataSource.manager.insert(Coupon, coupon);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ProblemException(HttpStatus.CONFLICT, 'COUPON_EXISTS', `coupon ${request.code} already exists`);
      }
      throw error;
    }
    return toView(coupon);
  }

  /**
   * What the code would take off the subtotal for this customer now, under the same rules as
   * a lock, but holding nothing: the order service prices an order with it, and the lock then
   * checks that the coupon still gives that discount.
   */
  async quoteCoupon(request: CouponQuoteRequest, now = new Date()): Promise<CouponQuoteResponse> {
    const manager = this.dataSource.manager;
    const coupon = await manager.findOneBy(Coupon, { code: request.code });
    const held = coupon ? await heldByCustomer(manager, coupon.code, request.customerId) : 0;
    return judgeEligibility(coupon, { subtotalCents: request.subtotalCents, heldByCustomer: held, now });
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}

function toView(coupon: Coupon): CouponView {
  return {
    code: coupon.code,
    kind: coupon.kind,
    value: coupon.value,
    minSubtotalCents: coupon.minSubtotalCents,
    maxRedemptions: coupon.maxRedemptions,
    perCustomerLimit: coupon.perCustomerLimit,
    validFrom: coupon.validFrom.toISOString(),
    validUntil: coupon.validUntil.toISOString(),
  };
}
