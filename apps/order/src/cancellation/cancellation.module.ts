import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { CancellationRpcController } from './cancellation-rpc.controller';
import { OrderCancellationService } from './order-cancellation.service';

/** Cancelling an order: the checkout saga aborted before payment, the cancel saga after it. */
@Module({
  imports: [OrdersModule],
  controllers: [CancellationRpcController],
  providers: [OrderCancellationService],
})
export class CancellationModule {}
