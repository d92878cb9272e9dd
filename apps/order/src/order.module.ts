import { DynamicModule, Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { cancelOrderSaga } from './cancellation/cancel-order.saga';
import { CancellationModule } from './cancellation/cancellation.module';
import { checkoutAtProvider } from './checkout/checkout-settings';
import { checkoutSaga, checkoutSagaV1 } from './checkout/checkout.saga';
import { CheckoutModule } from './checkout/checkout.module';
import { CustomersModule } from './customers/customers.module';
import { OperationsController } from './operations/operations.controller';
import { OrdersModule } from './orders/orders.module';

@Module({})
export class OrderModule {
  /** `paymentWindowMs`: how long an order paid at the provider waits for its payment. */
  static withPaymentWindow(paymentWindowMs: number): DynamicModule {
    const atProvider = checkoutAtProvider(paymentWindowMs);
    return {
      module: OrderModule,
      imports: [
        sagaModule({
          sagas: [checkoutSagaV1, checkoutSaga, ...atProvider.earlierSagas, atProvider.saga, cancelOrderSaga],
        }),
        CustomersModule,
        OrdersModule,
        CheckoutModule.forProvider(atProvider),
        CancellationModule,
      ],
      controllers: [OperationsController],
    };
  }
}
