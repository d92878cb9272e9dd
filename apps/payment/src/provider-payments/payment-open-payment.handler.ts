import { Injectable } from '@nestjs/common';
import { PaymentCommands } from '@zhongtai/contracts';
import { failure, SagaCommandHandler, success } from '@zhongtai/saga';
import type { OutputOf, ParticipantContext, PayloadOf, ReasonOf, StepResult } from '@zhongtai/saga';
import { ProviderClient, ProviderRefusal } from './provider-client';
import { providerPayments } from './provider-payment-store';
import { PAYMENT_CURRENCY } from './provider-settlement';

type OpenPayment = typeof PaymentCommands.openPayment;

/** Opens the order's payment at the provider, where the customer pays it through the pay URL. */
@Injectable()
export class PaymentOpenPaymentHandler {
  constructor(private readonly client: ProviderClient) {}

  /**
   * Once per order: the provider keeps one payment per merchant order, so a repeated call after
   * a crash answers the payment opened before; a payment recorded here already is answered
   * without a call. A refusal of the provider (4xx) declines the order; a failure to reach it
   * throws, and the command is retried. Alone: the call to the provider must not hold a group's
   * row locks (the merchant account's among them) while it waits.
   */
  @SagaCommandHandler(PaymentCommands.openPayment, { alone: true })
  async openPayment(
    { orderId, customerId, amountCents, expiresAt }: PayloadOf<OpenPayment>,
    { manager }: ParticipantContext,
  ): Promise<StepResult<OutputOf<OpenPayment>, ReasonOf<OpenPayment>>> {
    if (!this.client.configured) return failure('PAYMENT_DECLINED', 'no payment provider is configured');
    const known = await providerPayments.find(manager, orderId);
    if (known) {
      return success({
        providerPaymentId: known.provider_payment_id,
        payUrl: known.pay_url,
        expiresAt: known.expires_at.toISOString(),
      });
    }
    try {
      const opened = await this.client.createPayment({
        merchantOrderId: orderId,
        amountCents,
        currency: PAYMENT_CURRENCY,
        expiresAt,
      });
      await providerPayments.record(manager, {
        orderId,
        customerId,
        amountCents,
        providerPaymentId: opened.paymentId,
        payUrl: opened.payUrl,
        expiresAt: opened.expiresAt,
      });
      return success({ providerPaymentId: opened.paymentId, payUrl: opened.payUrl, expiresAt: opened.expiresAt });
    } catch (error) {
      if (error instanceof ProviderRefusal) return failure('PAYMENT_DECLINED', `the provider refused: ${error.code}`);
      throw error;
    }
  }
}
