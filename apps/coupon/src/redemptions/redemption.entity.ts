import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * LOCKED: held for an order being checked out (counts against both caps); REDEEMED: used by a
 * paid order (still counts); RELEASED: given back, counts no more.
 */
export type RedemptionStatus = 'LOCKED' | 'REDEEMED' | 'RELEASED';

/** The statuses that count against a coupon's caps. */
export const HELD_STATUSES: RedemptionStatus[] = ['LOCKED', 'REDEEMED'];

/** One order's use of one coupon, at the discount the order was priced with. */
@Entity('coupon_redemptions')
export class CouponRedemption {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'coupon_code', type: 'text' })
  couponCode!: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: RedemptionStatus;

  @Column({ name: 'discount_cents', type: 'integer' })
  discountCents!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
