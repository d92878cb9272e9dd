import type { CheckoutBody, History, Operation, OperationKind } from './history';
import { outcomeOf } from './history';

export interface Shopper {
  id: string;
  token: string;
}

interface OrderAnswer {
  id?: string;
  status?: string;
  failureReason?: string | null;
  code?: string;
  payment?: { payUrl?: string; expiresAt?: string };
}

/**
 * The storefront as a client under faults would use it: every call has a deadline, and every
 * call is recorded in the history with its outcome (a timeout or a reset is `info`).
 */
export class RecordingClient {
  constructor(
    private readonly baseUrl: string,
    private readonly history: History,
    private readonly timeoutMs: number,
  ) {}

  checkout(
    worker: string,
    shopper: Shopper,
    key: string,
    body: CheckoutBody,
    options: { waitSeconds: number; mode: string; kind?: OperationKind },
  ): Promise<Operation> {
    const operation = this.history.invoke({
      kind: options.kind ?? 'checkout',
      worker,
      customerId: shopper.id,
      key,
      body,
      mode: options.mode,
    });
    return this.send(operation, 'POST', '/checkout', shopper.token, body, {
      'idempotency-key': key,
      prefer: `wait=${options.waitSeconds}`,
    });
  }

  cancel(worker: string, shopper: Shopper, orderId: string, waitSeconds: number, mode: string): Promise<Operation> {
    const operation = this.history.invoke({ kind: 'cancel', worker, customerId: shopper.id, orderId, mode });
    return this.send(operation, 'POST', `/orders/${orderId}/cancel`, shopper.token, undefined, {
      prefer: `wait=${waitSeconds}`,
    });
  }

  /** An operator adds stock to a sku, idempotent on `reference`. */
  restock(worker: string, operatorToken: string, sku: string, delta: number, reference: string): Promise<Operation> {
    const operation = this.history.invoke({ kind: 'restock', worker, sku, amount: delta, reference });
    return this.send(operation, 'POST', `/admin/products/${sku}/stock`, operatorToken, { delta, reference });
  }

  /** An operator tops up a wallet, idempotent on `reference`. */
  credit(
    worker: string,
    operatorToken: string,
    customerId: string,
    amountCents: number,
    reference: string,
  ): Promise<Operation> {
    const operation = this.history.invoke({ kind: 'credit', worker, customerId, amount: amountCents, reference });
    return this.send(operation, 'POST', `/admin/customers/${customerId}/wallet/credit`, operatorToken, {
      amountCents,
      reference,
    });
  }

  /**
   * The customer pays (or declines) on the provider's side, as the pay page does: its payment
   * id and pay token are in the pay URL, and the token is the request's only credential.
   */
  pay(worker: string, shopper: Shopper, orderId: string, payUrl: string, outcome: 'succeed' | 'fail', mode: string) {
    const operation = this.history.invoke({
      kind: 'pay',
      worker,
      customerId: shopper.id,
      orderId,
      mode,
      payOutcome: outcome,
    });
    const url = new URL(payUrl);
    const paymentId = url.pathname.split('/').at(-1)!;
    const payToken = url.searchParams.get('token') ?? '';
    return this.send(
      operation,
      'POST',
      `/v1/payments/${paymentId}/pay`,
      undefined,
      { payToken, outcome },
      {},
      url.origin,
    );
  }

  read(worker: string, shopper: Shopper, orderId: string): Promise<Operation> {
    const operation = this.history.invoke({ kind: 'read', worker, customerId: shopper.id, orderId });
    return this.send(operation, 'GET', `/orders/${orderId}`, shopper.token);
  }

  /** GET /products; the answer's `available` figures are returned for sampling. */
  async products(worker: string): Promise<{ operation: Operation; products?: { sku: string; available: number }[] }> {
    const operation = this.history.invoke({ kind: 'products', worker });
    try {
      const response = await fetch(`${this.baseUrl}/products`, { signal: AbortSignal.timeout(this.timeoutMs) });
      const body = (await response.json().catch(() => undefined)) as { sku: string; available: number }[] | undefined;
      this.history.complete(operation, outcomeOf(response.status), { status: response.status });
      return { operation, products: response.ok ? body : undefined };
    } catch (error) {
      this.history.complete(operation, 'info', { code: errorName(error) });
      return { operation };
    }
  }

  private async send(
    operation: Operation,
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
    origin = this.baseUrl,
  ): Promise<Operation> {
    try {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: {
          ...headers,
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const answer = (await response.json().catch(() => ({}))) as OrderAnswer;
      const outcome = outcomeOf(response.status);
      return this.history.complete(operation, outcome, {
        status: response.status,
        ...(outcome !== 'ok' ? { code: answer.code } : isOrderAnswer(operation) ? orderFields(answer, response) : {}),
      });
    } catch (error) {
      return this.history.complete(operation, 'info', { code: errorName(error) });
    }
  }
}

const isOrderAnswer = (operation: Operation) => !['restock', 'credit', 'pay'].includes(operation.kind);

function orderFields(answer: OrderAnswer, response: Response): Partial<Operation> {
  return {
    orderId: answer.id,
    orderStatus: answer.status,
    failureReason: answer.failureReason ?? null,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    ...(answer.payment?.payUrl ? { payUrl: answer.payment.payUrl, paymentExpiresAt: answer.payment.expiresAt } : {}),
  };
}

function errorName(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.name : 'ERROR';
}
