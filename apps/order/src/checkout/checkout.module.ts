import { DynamicModule, Module } from '@nestjs/common';
import { rpcClientProvider } from '@zhongtai/platform';
import { OrdersModule } from '../orders/orders.module';
import { CheckoutPricing } from './checkout-pricing';
import { CheckoutRpcController } from './checkout-rpc.controller';
import { CHECKOUT_AT_PROVIDER, CheckoutAtProvider } from './checkout-settings';
import { GateRefusalsService } from './gate-refusals.service';
import { OrderPlacementService } from './order-placement.service';

/** Placing an order: priced against the catalogue and the coupon, then handed to the checkout saga. */
@Module({})
export class CheckoutModule {
  static forProvider(atProvider: CheckoutAtProvider): DynamicModule {
    return {
      module: CheckoutModule,
      imports: [OrdersModule],
      controllers: [CheckoutRpcController],
      providers: [
        { provide: CHECKOUT_AT_PROVIDER, useValue: atProvider },
        OrderPlacementService,
        GateRefusalsService,
        CheckoutPricing,
        rpcClientProvider('inventory'),
        rpcClientProvider('coupon'),
      ],
    };
  }
}
