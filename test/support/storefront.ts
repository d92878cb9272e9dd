import { randomUUID } from 'node:crypto';

/** A response as the tests look at it: status, headers and the parsed body. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A client of the gateway's REST API, as a storefront or an operator would use it, plus one
 * fixture builder per concept (a customer with a funded wallet, a product with stock, a coupon).
 */
export class Storefront {
  private operatorToken?: { token: Promise<string>; at: number };

  /** `operator`: the operator account, the development one of .env.example unless told. */
  constructor(
    readonly baseUrl: string,
    private readonly operatorAccount = { email: 'operator@zhongtai.local', password: 'operator' },
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the test sees the text
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  async login(email: string, password: string): Promise<string> {
    const response = await this.call<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
    if (response.status !== 200)
      throw new Error(`login of ${email}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.accessToken;
  }

  /**
   * The operator's token, renewed well before it expires (JWT_TTL_SECONDS is 900 by default).
   * Concurrent callers share one login: the gateway counts a login as failed until it succeeds,
   * so a burst of parallel logins of one account is throttled (LOGIN_THROTTLED).
   */
  async operator(): Promise<string> {
    if (!this.operatorToken || Date.now() - this.operatorToken.at > 5 * 60_000) {
      const { email, password } = this.operatorAccount;
      const token = this.login(email, password);
      this.operatorToken = { token, at: Date.now() };
      token.catch(() => this.operatorToken?.token === token && (this.operatorToken = undefined));
    }
    return this.operatorToken.token;
  }

  async admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.call<T>(method, path, { token: await this.operator(), body });
  }

  /** A customer with a wallet holding `balanceCents`, logged in. */
  async customerWithWallet(balanceCents: number): Promise<Customer> {
    const email = `c-${randomUUID()}@zhongtai.test`;
    const password = 'password-1234';
    const created = await this.admin<{ id: string }>('POST', '/admin/customers', {
      email,
      password,
      name: 'Test Customer',
    });
    if (created.status !== 201) throw new Error(`customer: ${created.status} ${JSON.stringify(created.body)}`);
    if (balanceCents > 0) {
      const credit = await this.admin('POST', `/admin/customers/${created.body.id}/wallet/credit`, {
        amountCents: balanceCents,
        reference: `fund-${created.body.id}`,
      });
      if (credit.status !== 200) throw new Error(`credit: ${credit.status} ${JSON.stringify(credit.body)}`);
    }
    return { id: created.body.id, email, password, token: await this.login(email, password) };
  }

  /** A product with `stock` units at `priceCents`. */
  async productWithStock(stock: number, priceCents = 1_000): Promise<string> {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const created = await this.admin('POST', '/admin/products', { sku, name: `Product ${sku}`, priceCents, stock });
    if (created.status !== 201) throw new Error(`product: ${created.status} ${JSON.stringify(created.body)}`);
    return sku;
  }

  async coupon(fields: Partial<CouponFields> = {}): Promise<string> {
    const code = fields.code ?? `C${randomUUID().slice(0, 8).toUpperCase()}`;
    const now = Date.now();
    const coupon: CouponFields = {
      code,
      kind: 'FIXED',
      value: 100,
      minSubtotalCents: 0,
      maxRedemptions: 1_000,
      perCustomerLimit: 100,
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 3_600_000).toISOString(),
      ...fields,
    };
    const created = await this.admin('POST', '/admin/coupons', coupon);
    if (created.status !== 201) throw new Error(`coupon: ${created.status} ${JSON.stringify(created.body)}`);
    return code;
  }

  checkout(
    customer: Customer,
    body: unknown,
    options: { key?: string; wait?: number } = {},
  ): Promise<ApiResponse<OrderBody>> {
    return this.call<OrderBody>('POST', '/checkout', {
      token: customer.token,
      body,
      headers: { 'idempotency-key': options.key ?? randomUUID(), prefer: `wait=${options.wait ?? 30}` },
    });
  }

  async wallet(customer: Customer): Promise<number> {
    const response = await this.call<{ balanceCents: number }>('GET', '/me/wallet', { token: customer.token });
    return response.body.balanceCents;
  }

  async product(sku: string): Promise<{ available: number; priceCents: number }> {
    return (await this.call<{ available: number; priceCents: number }>('GET', `/products/${sku}`)).body;
  }

  async stats(): Promise<Stats> {
    const response = await this.admin<Stats>('GET', '/admin/stats');
    if (response.status !== 200) throw new Error(`/admin/stats: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }
}

export interface Customer {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface CouponFields {
  code: string;
  kind: 'FIXED' | 'PERCENT';
  value: number;
  minSubtotalCents: number;
  maxRedemptions: number;
  perCustomerLimit: number;
  validFrom: string;
  validUntil: string;
}

export interface OrderBody {
  id: string;
  status: string;
  failureReason: string | null;
  totalCents: number;
  subtotalCents: number;
  discountCents: number;
  items: { sku: string; quantity: number; unitPriceCents: number; lineTotalCents: number; name: string }[];
  code?: string;
  [field: string]: unknown;
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
}
