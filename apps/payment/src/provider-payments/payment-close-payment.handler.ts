import { Injectable } from '@nestjs/common';
import { PaymentCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { ProviderClient, ProviderRefusal } from './provider-client';
import { providerPayments } from './provider-payment-store';
import { refundAtProvider } from './provider-settlement';

type ClosePayment = typeof PaymentCommands.closePayment;

/**
 * Compensates opening and collecting a payment at the provider (the order expired, was declined
 * or cancelled): an unpaid payment is closed there, so that it can no longer be paid; one paid
 * meanwhile (the provider answers 409 to the close, or its outcome was recorded already) is
 * refunded there. It must succeed: a failure to reach the provider throws and is retried.
 */
@Injectable()
export class PaymentClosePaymentHandler {
  constructor(private readonly client: ProviderClient) {}

  @SagaCommandHandler(PaymentCommands.closePayment)
  async closePayment(
    { orderId }: PayloadOf<ClosePayment>,
    { manager }: ParticipantContext,
  ): Promise<StepResult<void, never>> {
    const payment = await providerPayments.lock(manager, orderId);
    if (!payment) return success();
    if (payment.status === 'PAID') {
      await refundAtProvider(manager, this.client, payment);
      return success();
    }
    if (payment.status !== 'AWAITING_PAYMENT') return success();
    try {
      await this.client.closePayment(payment.provider_payment_id);
      await providerPayments.move(manager, orderId, 'CLOSED');
    } catch (error) {
      if (!(error instanceof ProviderRefusal && error.code === 'PAYMENT_ALREADY_PAID')) throw error;
      await refundAtProvider(manager, this.client, payment);
    }
    return success();
  }
}
