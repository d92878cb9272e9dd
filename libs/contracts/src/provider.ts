import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The published protocol of the payment provider (apps/provider simulates it): what the
 * platform's payment service sends it and what it answers and notifies. It is the provider's,
 * not the platform's: the payment service adapts to it, never the other way round.
 */

export const PROVIDER_PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'CLOSED', 'REFUNDED'] as const;
/** REFUNDED: succeeded, then refunded in full; a partial refund leaves it SUCCEEDED. */
export type ProviderPaymentStatus = (typeof PROVIDER_PAYMENT_STATUSES)[number];

/** `POST /v1/payments`, idempotent per merchantOrderId. */
export interface CreateProviderPayment {
  merchantOrderId: string;
  amountCents: number;
  currency: string;
  /** Where the provider posts the payment's notifications. */
  notifyUrl: string;
  /** After this instant the customer can no longer pay (ISO 8601). */
  expiresAt: string;
}

/** A payment as `GET /v1/payments/:id` answers it. */
export interface ProviderPaymentView {
  paymentId: string;
  merchantOrderId: string;
  status: ProviderPaymentStatus;
  amountCents: number;
  currency: string;
  refundedCents: number;
  payUrl: string;
  expiresAt: string;
  createdAt: string;
  succeededAt: string | null;
  closedAt: string | null;
}

/** The answer to a creation: the view and the token the customer's pay page carries. */
export interface CreatedProviderPayment extends ProviderPaymentView {
  payToken: string;
}

/** `POST /v1/payments/:id/refunds`, idempotent per refundId; the whole remainder by default. */
export interface CreateProviderRefund {
  refundId: string;
  amountCents?: number;
}

export interface ProviderRefundView {
  refundId: string;
  paymentId: string;
  merchantOrderId: string;
  amountCents: number;
  refundedAt: string;
}

/** `GET /v1/statements/:date`: what moved on one UTC day. */
export interface ProviderStatement {
  date: string;
  successes: { paymentId: string; merchantOrderId: string; amountCents: number; succeededAt: string }[];
  refunds: ProviderRefundView[];
}

/** The body of a notification; its raw bytes are what the signature covers. */
export interface ProviderNotification {
  /** The same on every retry and duplicate of one notification. */
  notificationId: string;
  paymentId: string;
  merchantOrderId: string;
  /** SUCCEEDED or FAILED once paid or declined, REFUNDED for each refund (amountCents is the refund's). */
  status: Extract<ProviderPaymentStatus, 'SUCCEEDED' | 'FAILED' | 'REFUNDED'>;
  amountCents: number;
  occurredAt: string;
}

/** Headers of a notification (lower case, as Node reads them). */
export const PROVIDER_HEADERS = {
  timestamp: 'x-provider-timestamp',
  nonce: 'x-provider-nonce',
  signature: 'x-provider-signature',
} as const;

/** hex HMAC-SHA256 over `${timestamp}.${nonce}.${rawBody}`; timestamp in Unix seconds. */
export function notificationSignature(secret: string, timestamp: string, nonce: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.${rawBody}`).digest('hex');
}

/** Whether `signature` is the notification's, compared in constant time. */
export function isNotificationSignature(
  secret: string,
  headers: { timestamp: string; nonce: string; signature: string },
  rawBody: string,
): boolean {
  const expected = Buffer.from(notificationSignature(secret, headers.timestamp, headers.nonce, rawBody), 'hex');
  const given = Buffer.from(headers.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
