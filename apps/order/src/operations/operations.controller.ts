import { Controller, HttpStatus } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type {
  ExpectedChargesPage,
  ExpectedChargesRequest,
  OrderStats,
  OrderStatus,
  WithOutboxBacklog,
} from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { decodeCursor, SagaOrchestrator, SagaQueries } from '@zhongtai/saga';
import type { SagaDetail, SagaFilter, SagaPage } from '@zhongtai/saga';
import { DataSource } from 'typeorm';

/** The operator's view of the order service: the saga log, re-driving, and the figures behind the invariants. */
@Controller()
export class OperationsController {
  constructor(
    private readonly sagas: SagaQueries,
    private readonly orchestrator: SagaOrchestrator,
    private readonly dataSource: DataSource,
  ) {}

  @MessagePattern(OrderRpc.listSagas)
  listSagas(@Payload() filter: SagaFilter): Promise<SagaPage> {
    if (filter.cursor !== undefined && !decodeCursor(filter.cursor)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The cursor is not valid');
    }
    return this.sagas.list(filter);
  }

  @MessagePattern(OrderRpc.getSaga)
  async findSaga(@Payload() request: { sagaId: string }): Promise<SagaDetail> {
    const saga = await this.sagas.get(request.sagaId);
    if (!saga) throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No saga ${request.sagaId}`);
    return saga;
  }

  @MessagePattern(OrderRpc.retrySaga)
  async retrySaga(@Payload() request: { sagaId: string }): Promise<SagaDetail> {
    const saga = await this.findSaga(request);
    if (!(await this.orchestrator.redrive(request.sagaId))) {
      throw new ProblemException(HttpStatus.CONFLICT, 'SAGA_NOT_PARKED', `The saga is ${saga.status}, not PARKED`);
    }
    return this.findSaga(request);
  }

  @MessagePattern(OrderRpc.stats)
  async stats(): Promise<WithOutboxBacklog<OrderStats>> {
    const orders: { status: OrderStatus; n: string; total: string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS n, coalesce(sum(total_cents), 0) AS total FROM orders GROUP BY status`,
    );
    const sold: { sku: string; quantity: string }[] = await this.dataSource.query(
      `SELECT item->>'sku' AS sku, sum((item->>'quantity')::int) AS quantity
       FROM orders, jsonb_array_elements(items) AS item WHERE status = 'PAID' GROUP BY 1`,
    );
    const ordersByStatus = { PENDING: 0, AWAITING_PAYMENT: 0, PAID: 0, CANCELLED: 0, CANCELLING: 0, REFUNDED: 0 };
    for (const row of orders) ordersByStatus[row.status] = Number(row.n);
    return {
      ordersByStatus,
      sagasByStatus: await this.sagas.countByStatus(),
      paidQuantityBySku: Object.fromEntries(sold.map((s) => [s.sku, Number(s.quantity)])),
      paidTotalCents: Number(orders.find((row) => row.status === 'PAID')?.total ?? 0),
      outboxBacklog: await this.sagas.outboxBacklog(),
    };
  }

  @MessagePattern(OrderRpc.expectedCharges)
  async expectedCharges(@Payload() request: ExpectedChargesRequest): Promise<ExpectedChargesPage> {
    const rows: { id: string; expected: string | null }[] = await this.dataSource.query(
      `SELECT id::text AS id,
              CASE status WHEN 'PAID' THEN total_cents WHEN 'CANCELLED' THEN 0 WHEN 'REFUNDED' THEN 0 END AS expected
       FROM orders WHERE $1::text IS NULL OR id::text COLLATE "C" > $1 ORDER BY id::text COLLATE "C" LIMIT $2`,
      [request.after, request.limit],
    );
    return {
      orders: rows.map((row) => ({
        id: row.id,
        expectedNetCents: row.expected === null ? null : Number(row.expected),
      })),
    };
  }
}
