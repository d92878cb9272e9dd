import { Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { cancelOrderSaga } from './cancellation/cancel-order.saga';
import { CancellationModule } from './cancellation/cancellation.module';
import { checkoutSaga } from './checkout/checkout.saga';
import { CheckoutModule } from './checkout/checkout.module';
import { CustomersModule } from './customers/customers.module';
import { OperationsController } from './operations/operations.controller';
import { OrdersModule } from './orders/orders.module';

@Module({
  imports: [
    sagaModule({ sagas: [checkoutSaga, cancelOrderSaga] }),
    CustomersModule,
    OrdersModule,
    CheckoutModule,
    CancellationModule,
  ],
  controllers: [OperationsController],
})
export class OrderModule {}
