import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PaymentRpc } from '@zhongtai/contracts';
import type { NetChargesPage, NetChargesRequest, PaymentStats, WithOutboxBacklog } from '@zhongtai/contracts';
import { SagaQueries } from '@zhongtai/saga';
import { LedgerStatsService } from './ledger-stats.service';

@Controller()
export class LedgerStatsController {
  constructor(
    private readonly stats: LedgerStatsService,
    private readonly sagas: SagaQueries,
  ) {}

  @MessagePattern(PaymentRpc.stats)
  async ledgerStats(): Promise<WithOutboxBacklog<PaymentStats>> {
    const [stats, outboxBacklog] = await Promise.all([this.stats.ledgerStats(), this.sagas.outboxBacklog()]);
    return { ...stats, outboxBacklog };
  }

  @MessagePattern(PaymentRpc.netCharges)
  netCharges(@Payload() range: NetChargesRequest): Promise<NetChargesPage> {
    return this.stats.netCharges(range);
  }
}
