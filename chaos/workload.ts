import type { RecordingClient } from './client';
import type { ChaosCustomer, Fixtures } from './fixtures';
import type { CheckoutBody, Operation } from './history';
import { Rng, sleep } from './random';
import type { Tier } from './tiers';

/**
 * What a client means by one logical checkout, with its weight in the mix. The `provider-`
 * modes pay at the provider simulator: paid within the window (sometimes declined, sometimes
 * cancelled once paid), left unpaid until the order expires, or paid around the window's end
 * (the provider refuses it once expired, or the success is refunded when it lost the race).
 */
const MODES = {
  plain: 38,
  'concurrent-duplicates': 12,
  replay: 8,
  'cancel-in-flight': 10,
  'cancel-after-payment': 10,
  'key-reused-other-body': 4,
  'provider-pay': 10,
  'provider-unpaid': 4,
  'provider-pay-late': 4,
} as const;
type Mode = keyof typeof MODES;
type ProviderMode = Extract<Mode, `provider-${string}`> | 'provider-burst';

/** Retries of a request whose outcome is unknown (or whose key is still being accepted). */
const MAX_RETRIES = 3;

export interface StockSample {
  samples: number;
  /** Any `available` below zero, or above the initial stock plus restocks, seen by GET /products. */
  impossible: { atMs: number; sku: string; available: number }[];
}

/**
 * The seeded traffic: workers placing checkouts through the gateway (some retried with the
 * same Idempotency-Key, some duplicated concurrently, some cancelled in flight or after
 * payment), and a sampler of the catalogue's `available` figures.
 */
export class Workload {
  readonly stock: StockSample = { samples: 0, impossible: [] };
  private stopped = false;
  private wakeUp!: () => void;
  private readonly stopping = new Promise<void>((resolve) => (this.wakeUp = resolve));
  private running: Promise<void>[] = [];
  /** The latest `available` per sku seen by the sampler. */
  private readonly available = new Map<string, number>();
  /** Units the operator asked to add per sku (acknowledged or not): `available` can grow by as much. */
  private readonly restocked = new Map<string, number>();

  constructor(
    private readonly client: RecordingClient,
    private readonly fixtures: Fixtures,
    private readonly tier: Tier,
    private readonly rng: Rng,
    private readonly clock: () => number,
    private readonly operatorToken: string,
  ) {}

  start(): void {
    for (let w = 0; w < this.tier.workers; w++) this.running.push(this.work(`w${w}`, this.rng.fork(`worker-${w}`)));
    this.running.push(this.sampleStock());
    this.running.push(this.replenish(this.rng.fork('operator')));
  }

  /**
   * `n` plain checkouts at once, by rich customers, each with a key of its own and answered
   * without waiting for the saga: a fault's burst of sagas that start, and so reach their
   * deadlines, together. Resolves with how many were accepted.
   */
  async burst(n: number, tag: string): Promise<number> {
    const rng = this.rng.fork(tag);
    const rich = this.fixtures.customers.filter((c) => c.wealth === 'rich');
    const placed = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        this.client.checkout(tag, rng.pick(rich), `${tag}-${i}`, this.basket(rng), { waitSeconds: 0, mode: 'plain' }),
      ),
    );
    return placed.filter((op) => op.outcome === 'ok').length;
  }

  /**
   * `n` checkouts paid at the provider at once, each paid as soon as it awaits payment: a
   * fault's traffic at the provider (notifications owed while the fault holds). Resolves with
   * how many payments the provider accepted.
   */
  async payAtProvider(n: number, tag: string): Promise<number> {
    const rng = this.rng.fork(tag);
    const paid = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        this.checkoutAtProvider(tag, rng, rng.pick(this.fixtures.customers), `${tag}-${i}`, 'provider-burst'),
      ),
    );
    return paid.filter(Boolean).length;
  }

  /** Starts no new operation; resolves when those in flight have completed (or timed out). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    await Promise.all(this.running);
  }

  /** A pause that ends early when the workload stops. */
  private pause(ms: number): Promise<void> {
    return Promise.race([sleep(ms), this.stopping]);
  }

  private async work(worker: string, rng: Rng): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      const customer = rng.pick(this.fixtures.customers);
      const mode = rng.weighted<Mode>(MODES);
      if (mode.startsWith('provider-'))
        await this.checkoutAtProvider(worker, rng, customer, `${worker}-${n}`, mode as ProviderMode);
      else await this.checkout(worker, rng, customer, `${worker}-${n}`, mode);
      await this.pause(rng.int(...this.tier.thinkMs));
    }
  }

  private async checkout(worker: string, rng: Rng, customer: ChaosCustomer, key: string, mode: Mode): Promise<void> {
    const body = this.basket(rng);
    const send = (waitSeconds: number) => this.client.checkout(worker, customer, key, body, { waitSeconds, mode });
    let placed: Operation;
    if (mode === 'concurrent-duplicates') {
      const copies = await Promise.all(Array.from({ length: rng.int(2, 3) }, () => send(rng.int(0, 5))));
      placed = copies.find((op) => op.outcome === 'ok') ?? copies[0];
    } else {
      placed = await send(mode === 'cancel-in-flight' ? 0 : rng.int(0, 5));
    }
    placed = await this.retryUnknown(placed, rng, () => send(rng.int(1, 5)));
    if (placed.outcome !== 'ok' || !placed.orderId) return;

    if (mode === 'replay') {
      await sleep(rng.int(0, 500));
      await send(0);
    } else if (mode === 'key-reused-other-body') {
      await this.client.checkout(worker, customer, key, this.basket(rng, body), { waitSeconds: 0, mode });
    } else if (mode === 'cancel-in-flight') {
      await this.client.cancel(worker, customer, placed.orderId, rng.int(0, 3), mode);
    } else if (mode === 'cancel-after-payment') {
      const paid = await this.awaitFinal(worker, customer, placed);
      if (paid === 'PAID') await this.client.cancel(worker, customer, placed.orderId, rng.int(0, 5), mode);
    } else if (rng.chance(0.2)) {
      await this.client.read(worker, customer, placed.orderId);
    }
  }

  /**
   * A checkout paid at the provider: placed (retried with its key when the outcome is unknown),
   * read until it awaits payment, then paid as `mode` says. Resolves true if the provider
   * accepted a payment of it.
   */
  private async checkoutAtProvider(
    worker: string,
    rng: Rng,
    customer: ChaosCustomer,
    key: string,
    mode: ProviderMode,
  ): Promise<boolean> {
    const body: CheckoutBody = { ...this.basket(rng), paymentMethod: 'provider' };
    const send = (waitSeconds: number) => this.client.checkout(worker, customer, key, body, { waitSeconds, mode });
    let placed = await this.retryUnknown(await send(rng.int(2, 5)), rng, () => send(rng.int(1, 5)));
    const orderId = placed.orderId;
    if (placed.outcome !== 'ok' || !orderId) return false;
    for (let i = 0; i < 20 && !placed.payUrl && placed.orderStatus === 'PENDING' && !this.stopped; i++) {
      await this.pause(500);
      const read = await this.client.read(worker, customer, orderId);
      if (read.outcome === 'ok') placed = read;
    }
    const payUrl = placed.payUrl;
    if (placed.orderStatus !== 'AWAITING_PAYMENT' || !payUrl || mode === 'provider-unpaid') return false;
    let outcome: 'succeed' | 'fail' = 'succeed';
    if (mode === 'provider-pay-late') {
      // Around the end of the window: just before it (paid, unless the expiry wins the race) or after it.
      const end = Date.parse(placed.paymentExpiresAt ?? '') || Date.now();
      await this.pause(Math.max(0, end - Date.now() + rng.int(-1_000, 1_500)));
    } else if (mode === 'provider-pay') {
      await this.pause(rng.int(0, 2_000));
      if (rng.chance(0.1)) outcome = 'fail';
    }
    if (this.stopped && mode !== 'provider-burst') return false;
    const pay = () => this.client.pay(worker, customer, orderId, payUrl, outcome, mode);
    const paid = await this.retryUnknown(await pay(), rng, pay);
    if (paid.outcome !== 'ok' || outcome === 'fail') return false;
    if (mode === 'provider-pay' && rng.chance(0.25)) {
      const status = await this.awaitFinal(worker, customer, placed);
      if (status === 'PAID') await this.client.cancel(worker, customer, orderId, rng.int(0, 5), mode);
    }
    return true;
  }

  /** A client that does not know whether its checkout happened asks again with the same key. */
  private async retryUnknown(first: Operation, rng: Rng, again: () => Promise<Operation>): Promise<Operation> {
    let last = first;
    for (let retry = 0; retry < MAX_RETRIES && !this.stopped; retry++) {
      const inProgress = last.outcome === 'fail' && last.code === 'IDEMPOTENCY_IN_PROGRESS';
      if (last.outcome !== 'info' && !inProgress) break;
      await this.pause(rng.int(300, 1_500) * (retry + 1));
      last = await again();
    }
    return last;
  }

  /** Reads the order until it leaves PENDING or AWAITING_PAYMENT (or a few seconds pass). */
  private async awaitFinal(worker: string, customer: ChaosCustomer, placed: Operation): Promise<string | undefined> {
    let status = placed.orderStatus;
    const between = (s?: string) => s === 'PENDING' || s === 'AWAITING_PAYMENT';
    for (let i = 0; i < 10 && between(status) && !this.stopped; i++) {
      await sleep(500);
      const read = await this.client.read(worker, customer, placed.orderId!);
      if (read.outcome === 'ok') status = read.orderStatus;
    }
    return status;
  }

  /** One to three lines; hot skus often, a coupon now and then. `unlike` forces another body. */
  private basket(rng: Rng, unlike?: CheckoutBody): CheckoutBody {
    const { products, coupons } = this.fixtures;
    const lines = new Map<string, number>();
    if (rng.chance(0.25)) lines.set(rng.pick(products.filter((p) => p.hot)).sku, rng.int(1, 2));
    const ordinary = products.filter((p) => !p.hot);
    for (let i = rng.int(lines.size ? 0 : 1, 2); i > 0; i--) lines.set(rng.pick(ordinary).sku, rng.int(1, 3));
    if (unlike) lines.set(ordinary[0].sku, (lines.get(ordinary[0].sku) ?? 0) + 7);
    const body: CheckoutBody = { items: [...lines].map(([sku, quantity]) => ({ sku, quantity })) };
    if (rng.chance(0.35)) body.couponCode = rng.pick(coupons).code;
    return body;
  }

  /**
   * An operator keeps the shop going: restocks skus running low (a sold-out hot sku now and
   * then) and tops up modest wallets, each idempotent on its reference and retried with it
   * when the outcome is unknown. Without it a long run would sell out and go broke.
   */
  private async replenish(rng: Rng): Promise<void> {
    for (let round = 0; !this.stopped; round++) {
      await this.pause(this.tier.replenishEveryMs);
      for (const product of this.fixtures.products) {
        const available = this.available.get(product.sku) ?? product.initialStock;
        const delta = product.hot
          ? available === 0 && rng.chance(0.3)
            ? rng.int(2, 5)
            : 0
          : available < 150
            ? 200
            : 0;
        if (delta === 0 || this.stopped) continue;
        const reference = `restock-${product.sku}-${round}`;
        this.restocked.set(product.sku, (this.restocked.get(product.sku) ?? 0) + delta);
        const send = () => this.client.restock('operator', this.operatorToken, product.sku, delta, reference);
        await this.retryUnknown(await send(), rng, send);
      }
      for (const customer of this.fixtures.customers.filter((c) => c.wealth === 'modest')) {
        if (!rng.chance(0.5) || this.stopped) continue;
        const reference = `topup-${customer.id}-${round}`;
        const send = () => this.client.credit('operator', this.operatorToken, customer.id, 8_000, reference);
        await this.retryUnknown(await send(), rng, send);
      }
    }
  }

  private async sampleStock(): Promise<void> {
    const initial = new Map(this.fixtures.products.map((p) => [p.sku, p.initialStock]));
    while (!this.stopped) {
      const { products } = await this.client.products('sampler');
      if (products) {
        this.stock.samples++;
        for (const { sku, available } of products) {
          this.available.set(sku, available);
          const most = (initial.get(sku) ?? Infinity) + (this.restocked.get(sku) ?? 0);
          if (available < 0 || available > most) {
            this.stock.impossible.push({ atMs: this.clock(), sku, available });
          }
        }
      }
      await this.pause(1_000);
    }
  }
}
