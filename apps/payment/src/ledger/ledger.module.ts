import { Module } from '@nestjs/common';
import { LedgerStatsController } from './ledger-stats.controller';
import { LedgerStatsService } from './ledger-stats.service';

@Module({
  controllers: [LedgerStatsController],
  providers: [LedgerStatsService],
})
export class LedgerModule {}
