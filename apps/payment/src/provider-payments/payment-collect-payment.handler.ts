import { Injectable } from '@nestjs/common';
import { PaymentCommands } from '@zhongtai/contracts';
import { failure, replyLater, SagaCommandHandler, success } from '@zhongtai/saga';
import type { LaterOr, OutputOf, ParticipantContext, PayloadOf, ReasonOf, StepResult } from '@zhongtai/saga';
import { providerPayments } from './provider-payment-store';

type CollectPayment = typeof PaymentCommands.collectPayment;

/**
 * The pivot of a checkout paid at the provider: its reply is the provider's outcome, which
 * comes when the customer has paid (a notification, or the back-check), not now. Nothing waits
 * meanwhile: the step's barrier records that its reply comes later, and the saga's deadline of
 * this step (the payment window) is the timer.
 */
@Injectable()
export class PaymentCollectPaymentHandler {
  @SagaCommandHandler(PaymentCommands.collectPayment)
  async collectPayment(
    { orderId }: PayloadOf<CollectPayment>,
    { manager, sagaId, step }: ParticipantContext,
  ): Promise<LaterOr<StepResult<OutputOf<CollectPayment>, ReasonOf<CollectPayment>>>> {
    const payment = await providerPayments.lock(manager, orderId);
    if (!payment) return failure('PAYMENT_FAILED', 'no payment was opened for the order');
    // An outcome that came before this command is the answer now.
    if (payment.status === 'PAID') return success({ providerPaymentId: payment.provider_payment_id });
    if (payment.status !== 'AWAITING_PAYMENT') return failure('PAYMENT_FAILED', `the payment is ${payment.status}`);
    await providerPayments.awaitOutcome(manager, orderId, sagaId, step);
    return replyLater();
  }
}
