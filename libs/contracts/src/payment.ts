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
  /**
   * Opens the order's payment at the provider (once per order): the customer pays it there,
   * through the pay URL, until `expiresAt`.
   */
  openPayment: defineCommand<
    { orderId: string; customerId: string; amountCents: number; expiresAt: string },
    ProviderPaymentOpened,
    'PAYMENT_DECLINED'
  >('payment', 'openPayment'),
  /**
   * The provider's outcome of the order's payment: answered later, when a notification or the
   * back-check brings it, not when the command arrives. The saga's deadline of this step is
   * the payment window.
   */
  collectPayment: defineCommand<{ orderId: string }, { providerPaymentId: string }, 'PAYMENT_FAILED'>(
    'payment',
    'collectPayment',
  ),
  /**
   * Gives up the order's payment at the provider: closed if still unpaid, refunded at the
   * provider if it was paid after all. Idempotent; nothing to do if it was never opened.
   */
  closePayment: defineCommand<{ orderId: string }>('payment', 'closePayment'),
};

export interface ProviderPaymentOpened {
  providerPaymentId: string;
  payUrl: string;
  expiresAt: string;
}

/** Where an order's payment at the provider stands, as the payment service knows it. */
export type OrderPaymentStatus = 'AWAITING_PAYMENT' | 'PAID' | 'FAILED' | 'CLOSED' | 'REFUNDED';

export interface OrderPaymentView {
  orderId: string;
  status: OrderPaymentStatus;
  amountCents: number;
  providerPaymentId: string;
  payUrl: string;
  expiresAt: string;
  paidAt: string | null;
}

/** A provider's notification as the gateway received it: the raw body and the signing headers. */
export interface ProviderNotificationDelivery {
  rawBody: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export const PaymentRpc = {
  wallet: 'payment.wallets.get',
  credit: 'payment.wallets.credit',
  /** The postings that moved money in or out of one wallet, newest first. */
  entries: 'payment.wallets.entries',
  stats: 'payment.stats',
  netCharges: 'payment.stats.net-charges',
  /** An order's payment at the provider (404 PAYMENT_NOT_FOUND for an order paid from the wallet). */
  orderPayment: 'payment.provider.order-payment',
  /** A notification from the provider, passed on by the gateway's webhook route. */
  providerNotification: 'payment.provider.notification',
  /** Reconciles one day's statement of the provider now (operators). */
  reconcile: 'payment.provider.reconcile',
  /** What the reconciliation found, newest first (operators). */
  reconciliationFindings: 'payment.provider.findings',
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
  /**
   * All money that ever entered: wallet credits, and payments collected through the provider net
   * of its refunds (the funding accounts' balances, negated).
   */
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

/**
 * What reconciling the provider's statement found for one order:
 * - `MISSED_NOTIFICATION`: paid there, awaiting here: settled now (repaired);
 * - `PAID_AFTER_GIVING_UP`: paid there, closed or declined here: refunded there (repaired);
 * - `UNKNOWN_PAYMENT`: paid there for an order this service never opened;
 * - `AMOUNT_MISMATCH`: paid there for another amount than the order's charge here;
 * - `MISSING_AT_PROVIDER`: paid here that day, absent from the statement;
 * - `UNKNOWN_REFUND`: refunded there, not by this service.
 */
export type ReconciliationFindingKind =
  | 'MISSED_NOTIFICATION'
  | 'PAID_AFTER_GIVING_UP'
  | 'UNKNOWN_PAYMENT'
  | 'AMOUNT_MISMATCH'
  | 'MISSING_AT_PROVIDER'
  | 'UNKNOWN_REFUND';

export interface ReconciliationFinding {
  statementDate: string;
  orderId: string;
  providerPaymentId: string | null;
  kind: ReconciliationFindingKind;
  detail: string;
  /** True when the reconciliation repaired it; false: an operator has to look at it. */
  repaired: boolean;
  foundAt: string;
}

export interface ReconcileRequest {
  /** The provider's statement day, YYYY-MM-DD (UTC). */
  date: string;
}

export interface ReconciliationReport {
  date: string;
  successes: number;
  refunds: number;
  /** What this run found (an earlier run's findings of the same kind for an order are not repeated). */
  findings: ReconciliationFinding[];
}

export interface ReconciliationFindingsPage {
  items: ReconciliationFinding[];
}
