import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { Coupon } from './coupons/coupon.entity';
import { CreateCoupons1764000000200 } from './migrations/1764000000200-create-coupons';
import { CouponRedemption } from './redemptions/redemption.entity';

export const couponDatabase: DatabaseDefinition = {
  entities: [Coupon, CouponRedemption],
  migrations: [...sagaMigrations, CreateCoupons1764000000200],
};
