import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { CouponKind } from '@zhongtai/contracts';
import type { CouponTerms } from './coupon-eligibility';

/** A coupon and how many of its redemptions are held (locked or redeemed) right now. */
@Entity('coupons')
export class Coupon implements CouponTerms {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  kind!: CouponKind;

  @Column({ type: 'integer' })
  value!: number;

  @Column({ name: 'min_subtotal_cents', type: 'integer' })
  minSubtotalCents!: number;

  @Column({ name: 'max_redemptions', type: 'integer' })
  maxRedemptions!: number;

  @Column({ name: 'per_customer_limit', type: 'integer' })
  perCustomerLimit!: number;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz' })
  validUntil!: Date;

  @Column({ type: 'integer' })
  held!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
