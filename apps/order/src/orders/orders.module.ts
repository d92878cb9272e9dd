import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Order } from './order.entity';
import { OrderStatusPublisher } from './order-status.publisher';
import { OrdersRpcController } from './orders-rpc.controller';
import { OrdersService } from './orders.service';

/**
 * The bottom layer of the order service: the order, its states and its reads. Checkout and
 * cancellation build on it; it imports neither.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Order])],
  controllers: [OrdersRpcController],
  providers: [OrdersService, OrderStatusPublisher],
  exports: [TypeOrmModule, OrdersService],
})
export class OrdersModule {}
