import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { CouponRpc } from '@zhongtai/contracts';
import type { CouponStats, WithOutboxBacklog } from '@zhongtai/contracts';
import { SagaQueries } from '@zhongtai/saga';
import { RedemptionStatsService } from './redemption-stats.service';

@Controller()
export class RedemptionStatsController {
  constructor(
    private readonly stats: RedemptionStatsService,
    private readonly sagas: SagaQueries,
  ) {}

  @MessagePattern(CouponRpc.stats)
  async couponStats(): Promise<WithOutboxBacklog<CouponStats>> {
    const [stats, outboxBacklog] = await Promise.all([this.stats.couponStats(), this.sagas.outboxBacklog()]);
    return { ...stats, outboxBacklog };
  }
}
