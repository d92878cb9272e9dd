import { runService } from '@zhongtai/platform';
import { paymentDatabase } from './payment.database';
import { PaymentModule } from './payment.module';
import { readProviderSettings } from './provider-payments/provider-settings';

void runService({
  service: 'payment',
  module: () => PaymentModule.withProvider(readProviderSettings()),
  database: paymentDatabase,
});
