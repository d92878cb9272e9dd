import { Injectable, Optional } from '@nestjs/common';
import { PaymentCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { MERCHANT_ACCOUNT, walletAccountId } from '../ledger/ledger-accounts';
import { postEntries } from '../ledger/post-entries';
import { Posting } from '../ledger/posting.entity';
import { ProviderClient } from '../provider-payments/provider-client';
import { providerPayments } from '../provider-payments/provider-payment-store';
import { refundAtProvider } from '../provider-payments/provider-settlement';

type Refund = typeof PaymentCommands.refund;

/**
 * Gives an order's charge back to the wallet it came from. It compensates a charge whose outcome
 * the orchestrator does not know, and it is the cancel saga's first step, so it must succeed in
 * every case: an order never charged (or charged nothing) is a no-op, and an order refunded
 * already is not refunded twice. An order paid at the provider is refunded there, not to the
 * wallet, which is why it runs alone: that call must not hold a group's row locks while it waits.
 */
@Injectable()
export class PaymentRefundHandler {
  constructor(@Optional() private readonly provider?: ProviderClient) {}

  @SagaCommandHandler(PaymentCommands.refund, { alone: true })
  async refund({ orderId }: PayloadOf<Refund>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    const charge = await manager.findOneBy(Posting, { kind: 'CHARGE', reference: orderId });
    if (!charge) return success();
    const atProvider = await providerPayments.lock(manager, orderId);
    if (atProvider) {
      if (atProvider.status !== 'PAID') return success();
      if (!this.provider) throw new Error(`order ${orderId} was paid at the provider, which this process cannot reach`);
      await refundAtProvider(manager, this.provider, atProvider);
      return success();
    }

    const outcome = await postEntries(manager, {
      kind: 'REFUND',
      reference: orderId,
      customerId: charge.customerId,
      entries: [
        { accountId: MERCHANT_ACCOUNT, amountCents: -charge.amountCents },
        { accountId: walletAccountId(charge.customerId), amountCents: charge.amountCents },
      ],
    });
    // The merchant received this charge, from this wallet, and nothing else takes money out of
    // it: a broken invariant, not a refusal.
    if (outcome.status === 'insufficient-funds') {
      throw new Error(`the merchant account cannot return the charge of order ${orderId}`);
    }
    if (outcome.status === 'no-account') {
      throw new Error(`the wallet ${outcome.accountId} that paid order ${orderId} is gone`);
    }
    return success();
  }
}
