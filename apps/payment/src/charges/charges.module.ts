import { Module } from '@nestjs/common';
import { ChargeOrderHandler } from './charge-order.handler';
import { RefundOrderHandler } from './refund-order.handler';

/** The payment service's part in the checkout and cancel sagas: charge and refund, per order. */
@Module({ providers: [ChargeOrderHandler, RefundOrderHandler] })
export class ChargesModule {}
