import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PaymentRpc } from '@zhongtai/contracts';
import type { NetChargesPage, NetChargesRequest, PaymentStats } from '@zhongtai/contracts';
import { LedgerStatsService } from './ledger-stats.service';

@Controller()
export class LedgerStatsController {
  constructor(private readonly stats: LedgerStatsService) {}

  @MessagePattern(PaymentRpc.stats)
  ledgerStats(): Promise<PaymentStats> {
    return this.stats.ledgerStats();
  }

  @MessagePattern(PaymentRpc.netCharges)
  netCharges(@Payload() range: NetChargesRequest): Promise<NetChargesPage> {
    return this.stats.netCharges(range);
  }
}
