import { Module } from '@nestjs/common';
import { rpcClientProvider } from '@zhongtai/platform';
import { OrdersModule } from '../orders/orders.module';
import { CheckoutPricing } from './checkout-pricing';
import { CheckoutRpcController } from './checkout-rpc.controller';
import { GateRefusalsService } from './gate-refusals.service';
import { OrderPlacementService } from './order-placement.service';

/** Placing an order: priced against the catalogue and the coupon, then handed to the checkout saga. */
@Module({
  imports: [OrdersModule],
  controllers: [CheckoutRpcController],
  providers: [
    OrderPlacementService,
    GateRefusalsService,
    CheckoutPricing,
    rpcClientProvider('inventory'),
    rpcClientProvider('coupon'),
  ],
})
export class CheckoutModule {}
