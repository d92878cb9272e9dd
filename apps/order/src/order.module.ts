import { Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { cancelOrderSaga } from './cancellation/cancel-order.saga';
import { checkoutSaga } from './checkout/checkout.saga';
import { CustomersModule } from './customers/customers.module';
import { OperationsController } from './operations/operations.controller';
import { OrdersModule } from './orders/orders.module';

@Module({
  imports: [sagaModule({ sagas: [checkoutSaga, cancelOrderSaga] }), CustomersModule, OrdersModule],
  controllers: [OperationsController],
})
export class OrderModule {}
