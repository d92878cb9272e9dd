import { Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { CouponsModule } from './coupons/coupons.module';
import { RedemptionsModule } from './redemptions/redemptions.module';

/** The coupon service: a saga participant (it orchestrates no saga of its own) and coupon RPCs. */
@Module({ imports: [sagaModule(), CouponsModule, RedemptionsModule] })
export class CouponModule {}
