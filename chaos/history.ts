import { createWriteStream, WriteStream } from 'node:fs';

export type OperationKind = 'checkout' | 'cancel' | 'read' | 'products' | 'probe' | 'restock' | 'credit' | 'pay';

/**
 * Jepsen's three outcomes: `ok` (it happened), `fail` (a definite 4xx: it did not happen) and
 * `info` (timeout, 5xx, connection reset: it may or may not have happened).
 */
export type Outcome = 'ok' | 'fail' | 'info';

export interface CheckoutBody {
  items: { sku: string; quantity: number }[];
  couponCode?: string;
  /** Absent: the wallet; `provider`: paid by the customer at the provider simulator. */
  paymentMethod?: 'provider';
}

/** One client operation, from its invocation to its completion. */
export interface Operation {
  id: number;
  kind: OperationKind;
  worker: string;
  customerId?: string;
  /** The Idempotency-Key of a checkout. */
  key?: string;
  /** The reference of an operator's restock or wallet credit (its idempotency key), and its amount. */
  reference?: string;
  sku?: string;
  amount?: number;
  body?: CheckoutBody;
  /** What the client meant by it (plain, concurrent duplicate, replay, cancel in flight...). */
  mode?: string;
  orderId?: string;
  invokedMs: number;
  completedMs?: number;
  outcome?: Outcome;
  status?: number;
  /** The problem+json code of an error answer, or the network error's name. */
  code?: string;
  orderStatus?: string;
  failureReason?: string | null;
  replayed?: boolean;
  /** An order paid at the provider, awaiting payment: where the customer pays, and until when. */
  payUrl?: string;
  paymentExpiresAt?: string;
  /** A payment at the provider: what the customer chose on the pay page. */
  payOutcome?: 'succeed' | 'fail';
}

/** Every operation of a run, kept in memory for the checks and appended to a JSON-lines file. */
export class History {
  readonly operations: Operation[] = [];
  private readonly file?: WriteStream;

  constructor(
    private readonly clock: () => number,
    path?: string,
  ) {
    if (path) this.file = createWriteStream(path, { flags: 'a' });
  }

  invoke(fields: Omit<Operation, 'id' | 'invokedMs'>): Operation {
    const operation: Operation = { id: this.operations.length, invokedMs: this.clock(), ...fields };
    this.operations.push(operation);
    this.file?.write(`${JSON.stringify({ type: 'invoke', ...operation })}\n`);
    return operation;
  }

  complete(operation: Operation, outcome: Outcome, fields: Partial<Operation>): Operation {
    Object.assign(operation, fields, { outcome, completedMs: this.clock() });
    this.file?.write(`${JSON.stringify({ type: outcome, id: operation.id, at: operation.completedMs, ...fields })}\n`);
    return operation;
  }

  of(kind: OperationKind): Operation[] {
    return this.operations.filter((operation) => operation.kind === kind);
  }

  async close(): Promise<void> {
    const file = this.file;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }
}

/** A definite refusal: the request changed nothing (as far as this request goes). */
const DEFINITE = new Set([400, 401, 403, 404, 409, 422, 429]);

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  return DEFINITE.has(status) ? 'fail' : 'info';
}
