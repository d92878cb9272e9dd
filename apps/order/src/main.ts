import { runService } from '@zhongtai/platform';
import { orderDatabase } from './order.database';
import { OrderModule } from './order.module';

void runService({ service: 'order', module: () => OrderModule, database: orderDatabase });
