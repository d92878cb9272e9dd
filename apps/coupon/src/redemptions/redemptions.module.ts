import { Module } from '@nestjs/common';
import { LockCouponHandler } from './lock-coupon.handler';
import { RedemptionLifecycleHandler } from './redemption-lifecycle.handler';
import { RedemptionStatsController } from './redemption-stats.controller';
import { RedemptionStatsService } from './redemption-stats.service';

/** The saga steps on redemptions (lock, release, redeem, restore) and their counts. */
@Module({
  controllers: [RedemptionStatsController],
  providers: [LockCouponHandler, RedemptionLifecycleHandler, RedemptionStatsService],
})
export class RedemptionsModule {}
