import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { PaymentRpc } from '@zhongtai/contracts';
import type { PaymentStats } from '@zhongtai/contracts';
import { LedgerStatsService } from './ledger-stats.service';

@Controller()
export class LedgerStatsController {
  constructor(private readonly stats: LedgerStatsService) {}

  @MessagePattern(PaymentRpc.stats)
  ledgerStats(): Promise<PaymentStats> {
    return this.stats.ledgerStats();
  }
}
