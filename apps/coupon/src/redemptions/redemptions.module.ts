import { Module } from '@nestjs/common';
import { CouponLockHandler } from './coupon-lock.handler';
import { CouponRedeemHandler } from './coupon-redeem.handler';
import { CouponReleaseHandler } from './coupon-release.handler';
import { CouponRestoreHandler } from './coupon-restore.handler';
import { RedemptionStatsController } from './redemption-stats.controller';
import { RedemptionStatsService } from './redemption-stats.service';

/** The saga commands on redemptions (lock, release, redeem, restore), one handler each, and their counts. */
@Module({
  controllers: [RedemptionStatsController],
  providers: [
    CouponLockHandler,
    CouponReleaseHandler,
    CouponRedeemHandler,
    CouponRestoreHandler,
    RedemptionStatsService,
  ],
})
export class RedemptionsModule {}
