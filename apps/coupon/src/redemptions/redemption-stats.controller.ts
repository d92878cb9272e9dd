import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { CouponRpc } from '@zhongtai/contracts';
import type { CouponStats } from '@zhongtai/contracts';
import { RedemptionStatsService } from './redemption-stats.service';

@Controller()
export class RedemptionStatsController {
  constructor(private readonly stats: RedemptionStatsService) {}

  @MessagePattern(CouponRpc.stats)
  couponStats(): Promise<CouponStats> {
    return this.stats.couponStats();
  }
}
