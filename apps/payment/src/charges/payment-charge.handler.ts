import { Injectable, Logger } from '@nestjs/common';
import { PaymentCommands } from '@zhongtai/contracts';
import { failure, SagaCommandHandler, success } from '@zhongtai/saga';
import type { OutputOf, ParticipantContext, PayloadOf, ReasonOf, StepResult } from '@zhongtai/saga';
import { isUUID } from 'class-validator';
import { MERCHANT_ACCOUNT, walletAccountId } from '../ledger/ledger-accounts';
import { postEntries } from '../ledger/post-entries';

type Charge = typeof PaymentCommands.charge;

/**
 * The postingId of a charge of nothing. An order that a coupon made free is paid without a
 * posting (postings move a positive amount), so there is nothing to refund later either.
 */
export const NO_POSTING = '';

/** The pivot of checkout: the order's total moves from the customer's wallet to the merchant. */
@Injectable()
export class PaymentChargeHandler {
  private readonly logger = new Logger(PaymentChargeHandler.name);

  /**
   * Charges once per order: a second charge of the same order moves nothing and answers with
   * the first one's posting (the saga barrier dedupes deliveries already; this guards the money
   * itself). Concurrent charges of one wallet never overdraw it: the debit is conditional.
   */
  @SagaCommandHandler(PaymentCommands.charge)
  async charge(
    { orderId, customerId, amountCents }: PayloadOf<Charge>,
    { manager }: ParticipantContext,
  ): Promise<StepResult<OutputOf<Charge>, ReasonOf<Charge>>> {
    if (!Number.isSafeInteger(amountCents) || amountCents < 0) {
      return failure('PAYMENT_DECLINED', 'the amount is not a whole number of cents');
    }
    if (amountCents === 0) return success({ postingId: NO_POSTING });
    if (!isUUID(customerId)) return failure('PAYMENT_DECLINED', 'the customer has no wallet');

    const wallet = walletAccountId(customerId);
    const outcome = await postEntries(manager, {
      kind: 'CHARGE',
      reference: orderId,
      customerId,
      entries: [
        { accountId: wallet, amountCents: -amountCents },
        { accountId: MERCHANT_ACCOUNT, amountCents },
      ],
    });
    switch (outcome.status) {
      case 'posted':
        return success({ postingId: outcome.postingId });
      case 'insufficient-funds':
        return failure('INSUFFICIENT_FUNDS');
      case 'no-account':
        return failure('PAYMENT_DECLINED', 'the customer has no wallet');
      case 'already-posted': {
        const { posting } = outcome;
        if (posting.customerId !== customerId || posting.amountCents !== amountCents) {
          this.logger.warn(
            `order ${orderId} charged again with another customer or amount: the first charge of ${posting.amountCents} stands`,
          );
        }
        return success({ postingId: posting.id });
      }
    }
  }
}
