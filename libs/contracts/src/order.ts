import type { FailureReason } from './failure-reasons';
import type { OrderLine } from './inventory';

export type OrderStatus = 'PENDING' | 'AWAITING_PAYMENT' | 'PAID' | 'CANCELLED' | 'CANCELLING' | 'REFUNDED';

/** How an order is paid: from the customer's wallet inside the saga, or by the customer at the provider. */
export const PAYMENT_METHODS = ['wallet', 'provider'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Where the customer pays an order paid at the provider, once its payment is open there. */
export interface OrderPaymentLink {
  payUrl: string;
  expiresAt: string;
}

/** The order as docs/api.md shows it. */
export interface OrderView {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: { sku: string; name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  currency: 'CNY';
  couponCode: string | null;
  paymentMethod: PaymentMethod;
  /** Present once an order paid at the provider awaits its payment (and from then on). */
  payment?: OrderPaymentLink;
  failureReason: FailureReason | null;
  createdAt: string;
  updatedAt: string;
}

export const OrderRpc = {
  createCustomer: 'order.customers.create',
  authenticate: 'order.customers.authenticate',
  findCustomer: 'order.customers.find',
  placeOrder: 'order.checkout.place',
  recordRefusals: 'order.checkout.record-refusals',
  getOrder: 'order.orders.get',
  findOrderByKey: 'order.orders.find-by-key',
  listOrders: 'order.orders.list',
  cancelOrder: 'order.orders.cancel',
  listSagas: 'order.sagas.list',
  getSaga: 'order.sagas.get',
  retrySaga: 'order.sagas.retry',
  stats: 'order.stats',
  expectedCharges: 'order.stats.expected-charges',
} as const;

/** Core NATS subject on which the order service announces a status change, after commit. */
export const orderStatusSubject = (prefix: string, orderId: string): string => `${prefix}.order.status.${orderId}`;

export interface CreateCustomerRequest {
  email: string;
  password: string;
  name: string;
}

export interface AuthenticateRequest {
  email: string;
  password: string;
}

export interface PlaceOrderRequest {
  customerId: string;
  idempotencyKey: string;
  /** Hash of the canonical request body: the same key with another body is refused. */
  requestHash: string;
  items: OrderLine[];
  couponCode: string | null;
  paymentMethod: PaymentMethod;
  /** The id to place the order under: the one that the gateway's flash-sale gate promised stock to. */
  orderId?: string;
  /**
   * Each line's product as the flash-sale gate knows the catalogue, in line order, when it
   * promised the stock: the order is priced from them, without a quote from inventory.
   */
  catalogue?: { name: string; priceCents: number }[];
}

/**
 * A checkout that the gateway's flash-sale gate refused, to be kept as the order it was
 * answered with: CANCELLED with OUT_OF_STOCK, no discount, priced as the gate knew the catalogue.
 */
export interface GateRefusal {
  orderId: string;
  customerId: string;
  idempotencyKey: string;
  requestHash: string;
  items: OrderView['items'];
  subtotalCents: number;
  couponCode: string | null;
  createdAt: string;
}

export interface RecordRefusalsRequest {
  refusals: GateRefusal[];
}

/** The refusals now in the order database; the others' keys already had an order, which stands. */
export interface RecordedRefusals {
  recorded: string[];
}

export interface PlaceOrderResponse {
  order: OrderView;
  /** True when the key had already placed this order: nothing new was created. */
  replayed: boolean;
}

export interface GetOrderRequest {
  orderId: string;
  /** When set, another customer's order is reported as not found. */
  customerId?: string;
}

export interface FindOrderByKeyRequest {
  customerId: string;
  idempotencyKey: string;
}

/** The order a customer placed with an Idempotency-Key, and the hash of the body it was placed with; null if none. */
export type OrderByKey = { order: OrderView; requestHash: string } | null;

export interface ListOrdersRequest {
  customerId: string;
  limit: number;
  cursor?: string;
}

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

export interface CancelOrderRequest {
  orderId: string;
  customerId?: string;
}

export interface OrderStats {
  ordersByStatus: Record<OrderStatus, number>;
  sagasByStatus: Record<string, number>;
  /** Quantity sold per sku over PAID orders (for the invariant sold = paid quantities). */
  paidQuantityBySku: Record<string, number>;
  /** Sum of the totals of PAID orders: what the merchant account must hold. */
  paidTotalCents: number;
}

/**
 * One page of orders in id order, each with the net charge the ledger must hold for it: its
 * total if PAID, 0 if CANCELLED or REFUNDED, null while a saga still moves it (not checked).
 * Paged so that the reconciliation of a long-lived platform never has to fit in one message.
 */
export interface ExpectedChargesRequest {
  /** Exclusive lower bound on the order id (as text); null for the first page. */
  after: string | null;
  limit: number;
}

export interface ExpectedChargesPage {
  orders: { id: string; expectedNetCents: number | null }[];
}
