/** The gateway's REST API (docs/api.md), from the same origin. */

export interface Problem {
  status: number;
  code: string;
  detail: string;
  /** True when no answer came at all (offline, connection reset): the request may or may not have been done. */
  network: boolean;
  errors?: { field: string; messages: string[] }[];
}

export class ApiError extends Error implements Problem {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly network = false,
    readonly errors?: { field: string; messages: string[] }[],
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export type Role = 'customer' | 'operator';

export interface Session {
  token: string;
  email: string;
  expiresAt: number;
}

const SESSION_KEYS: Record<Role, string> = { customer: 'zt.session.customer', operator: 'zt.session.operator' };
const listeners = new Set<() => void>();

export function session(role: Role): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEYS[role]) ?? 'null') as Session | null;
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(role: Role, value: Session | null): void {
  if (value) localStorage.setItem(SESSION_KEYS[role], JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEYS[role]);
  listeners.forEach((listener) => listener());
}

export function signOut(role: Role): void {
  setSession(role, null);
}

export async function signIn(role: Role, email: string, password: string): Promise<Session> {
  const { body } = await request<{ accessToken: string; expiresIn: number }>('POST', '/auth/login', {
    body: { email, password },
  });
  const value = { token: body.accessToken, email, expiresAt: Date.now() + body.expiresIn * 1000 - 5_000 };
  setSession(role, value);
  return value;
}

export async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  options: { role?: Role; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.role) {
    const current = session(options.role);
    if (!current) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
    headers.authorization = `Bearer ${current.token}`;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'No answer from the server', true);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Partial<Problem>;
    if (response.status === 401 && options.role) setSession(options.role, null);
    throw new ApiError(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.detail ?? response.statusText,
      false,
      problem.errors,
    );
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export const get = <T>(path: string, role?: Role, signal?: AbortSignal) =>
  request<T>('GET', path, { role, signal }).then((a) => a.body);

/* The shapes of docs/api.md that the pages use. */

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  currency: 'CNY';
  available: number;
}

export type OrderStatus = 'PENDING' | 'PAID' | 'CANCELLED' | 'CANCELLING' | 'REFUNDED';

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: { sku: string; name: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  currency: 'CNY';
  couponCode: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Quote {
  items: {
    sku: string;
    name: string;
    quantity: number;
    unitPriceCents: number;
    lineTotalCents: number;
    available: number;
  }[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  coupon: { code: string; ok: boolean; reason?: string } | null;
  stockRefusal: 'UNKNOWN_SKU' | 'OUT_OF_STOCK' | null;
}

export interface WalletEntry {
  kind: 'CREDIT' | 'CHARGE' | 'REFUND';
  reference: string;
  amountCents: number;
  createdAt: string;
}

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'PARKED';

export interface SagaSummary {
  id: string;
  type: string;
  status: SagaStatus;
  currentStep: string | null;
  startedAt: string;
  updatedAt: string;
}

export interface TimelineEntry {
  step: number;
  stepName: string;
  phase: 'action' | 'compensation';
  attempt: number;
  outcome: string;
  reason?: string;
  error?: string;
  at: string;
}

export interface SagaDetail extends SagaSummary {
  attempt: number;
  failure: { step: string; reason: string } | null;
  deadlineAt: string | null;
  /** The saga's trace id (W3C), for its link to the trace viewer. */
  traceId: string | null;
  timeline: TimelineEntry[];
}

export interface Stats {
  ordersByStatus: Record<string, number>;
  sagasByStatus: Record<string, number>;
  products: {
    sku: string;
    stockOnHand: number;
    reserved: number;
    sold: number;
    available: number;
    paidQuantity: number;
  }[];
  money: {
    walletsCents: number;
    merchantCents: number;
    creditedCents: number;
    ledgerSumCents: number;
    paidTotalCents: number;
    wrongNetChargeCount: number;
    ordersWithWrongNetCharge: string[];
  };
  coupons: {
    code: string;
    maxRedemptions: number;
    perCustomerLimit: number;
    locked: number;
    redeemed: number;
    maxHeldByOneCustomer: number;
  }[];
  /** Each service's saga outbox: messages not yet published, and the age of the oldest (s). */
  outbox: Record<string, OutboxBacklog>;
}

export interface OutboxBacklog {
  unsent: number;
  oldestAgeSeconds: number | null;
}

export interface StockAdjustment {
  reference: string;
  sku: string;
  delta: number;
  stockOnHandAfter: number | null;
  createdAt: string;
}
