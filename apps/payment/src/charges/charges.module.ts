import { Module } from '@nestjs/common';
import { PaymentChargeHandler } from './payment-charge.handler';
import { PaymentRefundHandler } from './payment-refund.handler';

/** The payment service's part in the checkout and cancel sagas: charge and refund, per order. */
@Module({ providers: [PaymentChargeHandler, PaymentRefundHandler] })
export class ChargesModule {}
