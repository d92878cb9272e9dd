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
  stats: 'payment.stats',
} as const;

export interface WalletRequest {
  customerId: string;
}

export interface WalletView {
  balanceCents: number;
  currency: 'CNY';
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
  /** Net charged per order (charges minus refunds), for orders with any posting. */
  netChargedByOrder: Record<string, number>;
}
