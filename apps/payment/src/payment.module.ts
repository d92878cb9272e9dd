import { Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { ChargesModule } from './charges/charges.module';
import { LedgerModule } from './ledger/ledger.module';
import { WalletsModule } from './wallets/wallets.module';

@Module({ imports: [sagaModule(), LedgerModule, WalletsModule, ChargesModule] })
export class PaymentModule {}
