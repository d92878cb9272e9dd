import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { rpcClientProvider } from '@zhongtai/platform';
import { CheckoutPricing } from '../checkout/checkout-pricing';
import { CheckoutService } from '../checkout/checkout.service';
import { Order } from './order.entity';
import { OrderStatusPublisher } from './order-status.publisher';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order])],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    CheckoutService,
    CheckoutPricing,
    OrderStatusPublisher,
    rpcClientProvider('inventory'),
    rpcClientProvider('coupon'),
  ],
})
export class OrdersModule {}
