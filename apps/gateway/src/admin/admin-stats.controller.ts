import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CouponRpc, InventoryRpc, OrderRpc, PaymentRpc } from '@zhongtai/contracts';
import type {
  CouponStats,
  InventoryStats,
  OrderStats,
  OutboxBacklog,
  PaymentStats,
  WithOutboxBacklog,
} from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { reconcileNetCharges } from './net-charge-reconciliation';

const STATS_TIMEOUT_MS = 30_000;

class ProductStatsResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() stockOnHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty() sold!: number;
  @ApiProperty() available!: number;
  @ApiProperty({ description: 'Units of this sku in PAID orders' }) paidQuantity!: number;
}

class CouponStatsResponse {
  @ApiProperty() code!: string;
  @ApiProperty() maxRedemptions!: number;
  @ApiProperty() perCustomerLimit!: number;
  @ApiProperty({ description: 'Redemptions locked by orders not yet paid' }) locked!: number;
  @ApiProperty() redeemed!: number;
  @ApiProperty({ description: 'The most redemptions one customer holds' }) maxHeldByOneCustomer!: number;
}

class OutboxBacklogResponse implements OutboxBacklog {
  @ApiProperty({ description: 'Saga messages written and not yet published' }) unsent!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Seconds since the oldest of them was written; null when there is none',
  })
  oldestAgeSeconds!: number | null;
}

class OutboxStatsResponse {
  @ApiProperty() order!: OutboxBacklogResponse;
  @ApiProperty() inventory!: OutboxBacklogResponse;
  @ApiProperty() payment!: OutboxBacklogResponse;
  @ApiProperty() coupon!: OutboxBacklogResponse;
}

class StatsResponse {
  @ApiProperty({ example: { PENDING: 0, PAID: 12, CANCELLED: 3, CANCELLING: 0, REFUNDED: 1 } })
  ordersByStatus!: Record<string, number>;
  @ApiProperty({ example: { COMPLETED: 16, COMPENSATED: 3 } }) sagasByStatus!: Record<string, number>;
  @ApiProperty({ type: [ProductStatsResponse] }) products!: ProductStatsResponse[];
  @ApiProperty({
    description:
      'Sum of wallets, merchant account, credits, the ledger sum (0), and the orders whose net charge is wrong (a count and the first 100)',
  })
  money!: Record<string, unknown>;
  @ApiProperty({ type: [CouponStatsResponse] }) coupons!: CouponStatsResponse[];
  @ApiProperty({ description: "Each service's saga outbox: messages not yet published, and the age of the oldest" })
  outbox!: OutboxStatsResponse;
}

/**
 * The figures from which a client can check docs/design.md's invariants: stock against paid orders,
 * money against credits and charges, coupons against their caps.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Audience('operator')
@Controller('admin/stats')
export class AdminStatsController {
  constructor(
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
    @InjectRpcClient('payment') private readonly payments: ServiceRpcClient,
    @InjectRpcClient('coupon') private readonly coupons: ServiceRpcClient,
  ) {}

  @Get()
  @ApiOkResponse({ type: StatsResponse })
  @ApiProblemResponses(401, 403, 429, 502, 504)
  async stats(): Promise<StatsResponse> {
    // Whole-table figures: after a long run they take seconds, longer than a checkout may wait.
    const [orders, stock, money, coupons, netCharges] = await Promise.all([
      this.orders.request<WithOutboxBacklog<OrderStats>>(OrderRpc.stats, {}, STATS_TIMEOUT_MS),
      this.inventory.request<WithOutboxBacklog<InventoryStats>>(InventoryRpc.stats, {}, STATS_TIMEOUT_MS),
      this.payments.request<WithOutboxBacklog<PaymentStats>>(PaymentRpc.stats, {}, STATS_TIMEOUT_MS),
      this.coupons.request<WithOutboxBacklog<CouponStats>>(CouponRpc.stats, {}, STATS_TIMEOUT_MS),
      reconcileNetCharges(this.orders, this.payments, STATS_TIMEOUT_MS),
    ]);
    return {
      ordersByStatus: orders.ordersByStatus,
      sagasByStatus: orders.sagasByStatus,
      products: stock.products.map((p) => ({ ...p, paidQuantity: orders.paidQuantityBySku[p.sku] ?? 0 })),
      money: {
        walletsCents: money.walletsCents,
        merchantCents: money.merchantCents,
        creditedCents: money.creditedCents,
        ledgerSumCents: money.ledgerSumCents,
        paidTotalCents: orders.paidTotalCents,
        wrongNetChargeCount: netCharges.mismatchCount,
        ordersWithWrongNetCharge: netCharges.firstMismatches,
      },
      coupons: coupons.coupons.map((c) => ({ ...c, maxHeldByOneCustomer: coupons.maxHeldByOneCustomer[c.code] ?? 0 })),
      outbox: {
        order: orders.outboxBacklog,
        inventory: stock.outboxBacklog,
        payment: money.outboxBacklog,
        coupon: coupons.outboxBacklog,
      },
    };
  }
}
