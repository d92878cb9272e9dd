import type { FailureReason } from './failure-reasons';
import type { OrderLine } from './inventory';

export type OrderStatus = 'PENDING' | 'PAID' | 'CANCELLED' | 'CANCELLING' | 'REFUNDED';

/** The order as API.md shows it. */
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
  paymentMethod: 'wallet';
  failureReason: FailureReason | null;
  createdAt: string;
  updatedAt: string;
}

export const OrderRpc = {
  createCustomer: 'order.customers.create',
  authenticate: 'order.customers.authenticate',
  findCustomer: 'order.customers.find',
  placeOrder: 'order.checkout.place',
  getOrder: 'order.orders.get',
  listOrders: 'order.orders.list',
  cancelOrder: 'order.orders.cancel',
  listSagas: 'order.sagas.list',
  getSaga: 'order.sagas.get',
  retrySaga: 'order.sagas.retry',
  stats: 'order.stats',
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
  paymentMethod: 'wallet';
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
  /** Total per order for PAID orders, and the status of every order, for the money invariant. */
  orders: { id: string; status: OrderStatus; totalCents: number }[];
}
