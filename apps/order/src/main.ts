import { runService } from '@zhongtai/platform';
import { readPaymentWindowMs } from './checkout/checkout-settings';
import { orderDatabase } from './order.database';
import { OrderModule } from './order.module';

void runService({
  service: 'order',
  module: () => OrderModule.withPaymentWindow(readPaymentWindowMs()),
  database: orderDatabase,
});
