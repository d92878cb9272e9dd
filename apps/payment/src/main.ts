import { runService } from '@zhongtai/platform';
import { paymentDatabase } from './payment.database';
import { PaymentModule } from './payment.module';

void runService({ service: 'payment', module: () => PaymentModule, database: paymentDatabase });
