import type { CreateCouponRequest } from '@zhongtai/contracts';
import { dataSourceOptions } from '@zhongtai/platform';
import type { ParticipantContext } from '@zhongtai/saga';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infrastructure';
import { couponDatabase } from '../coupon.database';
import { CouponsService } from '../coupons/coupons.service';
import { discountFor } from '../coupons/discount';
import { CouponLockHandler } from '../redemptions/coupon-lock.handler';
import { CouponRedeemHandler } from '../redemptions/coupon-redeem.handler';
import { CouponReleaseHandler } from '../redemptions/coupon-release.handler';
import { CouponRestoreHandler } from '../redemptions/coupon-restore.handler';
import { RedemptionStatsService } from '../redemptions/redemption-stats.service';
import type { RedemptionStatus } from '../redemptions/redemption.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An order asking for a coupon: a fresh order id, and by default a fresh customer. */
export interface OrderClaim {
  orderId?: string;
  customerId?: string;
  subtotalCents?: number;
  /** The discount the order was priced with; by default what the coupon gives the subtotal. */
  discountCents?: number;
}

/**
 * The coupon service's data, services and saga handlers on a fresh migrated database. Handlers
 * run as the saga runtime runs them: in a transaction of their own, given its manager.
 */
export class CouponTestKit {
  readonly coupons: CouponsService;
  readonly stats: RedemptionStatsService;
  private readonly handlers = {
    lock: new CouponLockHandler(),
    release: new CouponReleaseHandler(),
    redeem: new CouponRedeemHandler(),
    restore: new CouponRestoreHandler(),
  };

  private constructor(
    readonly dataSource: DataSource,
    private readonly database: TestDatabase,
  ) {
    this.coupons = new CouponsService(dataSource);
    this.stats = new RedemptionStatsService(dataSource);
  }

  static async create(label: string): Promise<CouponTestKit> {
    const database = await createTestDatabase(label, couponDatabase);
    const options = dataSourceOptions(database.url, couponDatabase);
    const dataSource = new DataSource({ ...options, extra: { ...options.extra, max: 30 } });
    await dataSource.initialize();
    return new CouponTestKit(dataSource, database);
  }

  async stop(): Promise<void> {
    await this.dataSource.destroy();
    await this.database.drop();
  }

  /** A coupon, valid since yesterday and for a week, under a code no other test uses. */
  async givenCoupon(overrides: Partial<CreateCouponRequest> = {}): Promise<CreateCouponRequest> {
    const now = Date.now();
    return this.coupons.createCoupon({
      code: `C-${randomBytes(5).toString('hex')}`,
      kind: 'FIXED',
      value: 1_000,
      minSubtotalCents: 0,
      maxRedemptions: 100,
      perCustomerLimit: 1,
      validFrom: new Date(now - DAY_MS).toISOString(),
      validUntil: new Date(now + 7 * DAY_MS).toISOString(),
      ...overrides,
    });
  }

  lock(coupon: CreateCouponRequest, claim: OrderClaim = {}) {
    const subtotalCents = claim.subtotalCents ?? 10_000;
    const payload = {
      orderId: claim.orderId ?? randomUUID(),
      customerId: claim.customerId ?? randomUUID(),
      code: coupon.code,
      subtotalCents,
      discountCents: claim.discountCents ?? discountFor(coupon, subtotalCents),
    };
    return this.inStep((context) => this.handlers.lock.lock(payload, context));
  }

  release(orderId: string) {
    return this.inStep((context) => this.handlers.release.release({ orderId }, context));
  }

  redeem(orderId: string) {
    return this.inStep((context) => this.handlers.redeem.redeem({ orderId }, context));
  }

  restore(orderId: string) {
    return this.inStep((context) => this.handlers.restore.restore({ orderId }, context));
  }

  async held(code: string): Promise<number> {
    const [row]: { held: number }[] = await this.dataSource.query('SELECT held FROM coupons WHERE code = $1', [code]);
    return row.held;
  }

  async redemptionStatus(orderId: string): Promise<RedemptionStatus | undefined> {
    const rows: { status: RedemptionStatus }[] = await this.dataSource.query(
      'SELECT status FROM coupon_redemptions WHERE order_id = $1',
      [orderId],
    );
    return rows[0]?.status;
  }

  /** Statuses of every redemption of a coupon, counted. */
  async redemptionCounts(code: string): Promise<Partial<Record<RedemptionStatus, number>>> {
    const rows: { status: RedemptionStatus; count: number }[] = await this.dataSource.query(
      'SELECT status, count(*)::int AS count FROM coupon_redemptions WHERE coupon_code = $1 GROUP BY status',
      [code],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  private inStep<T>(handler: (context: ParticipantContext) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager: EntityManager) =>
      handler({ manager, sagaId: randomUUID(), step: 0, attempt: 1 }),
    );
  }
}
