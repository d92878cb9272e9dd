import { defineCommand } from '@zhongtai/saga';

/** Saga commands the payment service carries out, keyed by order: at most one charge and one refund per order. */
export const PaymentCommands = {
  /** The pivot of checkout: moves the order's total from the customer's wallet to the merchant. */
  charge: defineCommand<
    { orderId: string; customerId: string; amountCents: number },
    { postingId: string },
    'INSUFFICIENT_FUNDS' | 'PAYMENT_DECLINED'
  >('payment', 'charge'),
  /** Gives the order's charge back to the wallet; a no-op if there was no charge. */
  refund: defineCommand<{ orderId: string }>('payment', 'refund'),
};

export const PaymentRpc = {
  wallet: 'payment.wallets.get',
  credit: 'payment.wallets.credit',
  /** The postings that moved money in or out of one wallet, newest first. */
  entries: 'payment.wallets.entries',
  stats: 'payment.stats',
  netCharges: 'payment.stats.net-charges',
} as const;

export interface WalletRequest {
  customerId: string;
}

export interface WalletView {
  balanceCents: number;
  currency: 'CNY';
}

export interface WalletEntriesRequest {
  customerId: string;
  /** At most this many, 1 to 100. */
  limit: number;
}

/** One movement of a wallet: a credit, a charge (negative) or a refund, with its reference. */
export interface WalletEntryView {
  kind: 'CREDIT' | 'CHARGE' | 'REFUND';
  /** The operator's reference for a credit, the order id for a charge or a refund. */
  reference: string;
  /** Into the wallet (positive) or out of it (negative). */
  amountCents: number;
  createdAt: string;
}

export interface WalletEntriesView {
  items: WalletEntryView[];
}

export interface CreditRequest {
  customerId: string;
  amountCents: number;
  reference: string;
}

export interface PaymentStats {
  /** Sum of every wallet's balance. */
  walletsCents: number;
  merchantCents: number;
  /** All credits ever made (the funding account's balance, negated). */
  creditedCents: number;
  /** Sum of all ledger entries: zero, always. */
  ledgerSumCents: number;
}

/** The orders with any charge or refund whose id lies in (after, upTo]; a null bound is open. */
export interface NetChargesRequest {
  after: string | null;
  upTo: string | null;
}

export interface NetChargesPage {
  /** Net charged per order (charges minus refunds). */
  netChargedByOrder: Record<string, number>;
}
