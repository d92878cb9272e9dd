import { DynamicModule, Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { ChargesModule } from './charges/charges.module';
import { LedgerModule } from './ledger/ledger.module';
import { ProviderPaymentsModule } from './provider-payments/provider-payments.module';
import type { ProviderSettings } from './provider-payments/provider-settings';
import { WalletsModule } from './wallets/wallets.module';

@Module({})
export class PaymentModule {
  static withProvider(provider: ProviderSettings | null): DynamicModule {
    return {
      module: PaymentModule,
      imports: [sagaModule(), LedgerModule, WalletsModule, ChargesModule, ProviderPaymentsModule.forSettings(provider)],
    };
  }
}
