import type { EntityManager } from 'typeorm';
import { MERCHANT_ACCOUNT, PROVIDER_ACCOUNT } from '../ledger/ledger-accounts';
import { postEntries } from '../ledger/post-entries';
import type { ProviderPaymentRow } from './provider-payment-store';

/**
 * Money the provider collected for an order enters the ledger as the order's charge, from the
 * provider account to the merchant; a refund at the provider is the order's refund, back. One
 * of each per order at most (postings are unique per kind and reference), as for the wallet, so
 * the invariants read the same whichever way the order was paid.
 */
export async function postProviderCharge(manager: EntityManager, payment: ProviderPaymentRow): Promise<void> {
  const amountCents = Number(payment.amount_cents);
  await postEntries(manager, {
    kind: 'CHARGE',
    reference: payment.order_id,
    customerId: payment.customer_id,
    entries: [
      { accountId: PROVIDER_ACCOUNT, amountCents: -amountCents },
      { accountId: MERCHANT_ACCOUNT, amountCents },
    ],
  });
}

export async function postProviderRefund(manager: EntityManager, payment: ProviderPaymentRow): Promise<void> {
  const amountCents = Number(payment.amount_cents);
  const outcome = await postEntries(manager, {
    kind: 'REFUND',
    reference: payment.order_id,
    customerId: payment.customer_id,
    entries: [
      { accountId: MERCHANT_ACCOUNT, amountCents: -amountCents },
      { accountId: PROVIDER_ACCOUNT, amountCents },
    ],
  });
  if (outcome.status === 'insufficient-funds') {
    throw new Error(`the merchant account cannot return the provider payment of order ${payment.order_id}`);
  }
}
