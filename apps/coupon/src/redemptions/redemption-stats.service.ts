import { Injectable } from '@nestjs/common';
import type { CouponStats } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';

interface CouponCountsRow {
  code: string;
  max_redemptions: number;
  per_customer_limit: number;
  locked: number;
  redeemed: number;
}

interface CustomerPeakRow {
  coupon_code: string;
  max_held: number;
}

/** Redemption counts per coupon, against which the caps can be checked from outside. */
@Injectable()
export class RedemptionStatsService {
  constructor(private readonly dataSource: DataSource) {}

  async couponStats(): Promise<CouponStats> {
    const counts: CouponCountsRow[] = await this.dataSource.query(
      `SELECT c.code, c.max_redemptions, c.per_customer_limit,
              count(r.id) FILTER (WHERE r.status = 'LOCKED')::int AS locked,
              count(r.id) FILTER (WHERE r.status = 'REDEEMED')::int AS redeemed
       FROM coupons c LEFT JOIN coupon_redemptions r ON r.coupon_code = c.code
       GROUP BY c.code ORDER BY c.code`,
    );
    const peaks: CustomerPeakRow[] = await this.dataSource.query(
      `SELECT coupon_code, max(held)::int AS max_held
       FROM (SELECT coupon_code, customer_id, count(*) AS held FROM coupon_redemptions
             WHERE status <> 'RELEASED' GROUP BY coupon_code, customer_id) per_customer
       GROUP BY coupon_code`,
    );
    const maxHeldByOneCustomer: Record<string, number> = Object.fromEntries(counts.map((row) => [row.code, 0]));
    for (const peak of peaks) maxHeldByOneCustomer[peak.coupon_code] = peak.max_held;
    return {
      coupons: counts.map((row) => ({
        code: row.code,
        maxRedemptions: row.max_redemptions,
        perCustomerLimit: row.per_customer_limit,
        locked: row.locked,
        redeemed: row.redeemed,
      })),
      maxHeldByOneCustomer,
    };
  }
}
