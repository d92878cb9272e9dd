import type { OrderLine, StockView } from '@zhongtai/contracts';
import { dataSourceOptions, ProblemException } from '@zhongtai/platform';
import type { Problem } from '@zhongtai/platform';
import type { ParticipantContext, StepResult } from '@zhongtai/saga';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infrastructure';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Product } from '../catalogue/product.entity';
import { inventoryDatabase } from '../inventory.database';
import { InventoryConfirmHandler } from '../reservations/inventory-confirm.handler';
import { InventoryReleaseHandler } from '../reservations/inventory-release.handler';
import { InventoryReserveHandler } from '../reservations/inventory-reserve.handler';
import { InventoryRestockHandler } from '../reservations/inventory-restock.handler';
import { Reservation } from '../reservations/reservation.entity';
import { StockAdjustmentsService } from '../stock/stock-adjustments.service';
import { StockReportService } from '../stock/stock-report.service';
import { toStockView } from '../stock/stock-view';

/**
 * The inventory service on a fresh, migrated database, without NATS: saga handlers run in
 * their own transaction as the participant runtime runs them (minus the barrier, so a handler
 * must leave nothing behind when it refuses), and the RPC services are called directly.
 */
export class InventoryTestKit {
  readonly catalogue: CatalogueService;
  readonly adjustments: StockAdjustmentsService;
  readonly report: StockReportService;
  private readonly handlers = {
    reserve: new InventoryReserveHandler(),
    release: new InventoryReleaseHandler(),
    confirm: new InventoryConfirmHandler(),
    restock: new InventoryRestockHandler(),
  };

  private constructor(
    readonly dataSource: DataSource,
    private readonly database: TestDatabase,
  ) {
    this.catalogue = new CatalogueService(dataSource.getRepository(Product));
    this.adjustments = new StockAdjustmentsService(dataSource);
    this.report = new StockReportService(dataSource.getRepository(Product), dataSource.getRepository(Reservation));
  }

  static async start(label: string): Promise<InventoryTestKit> {
    const database = await createTestDatabase(label, inventoryDatabase);
    const dataSource = new DataSource({ ...dataSourceOptions(database.url, inventoryDatabase), extra: { max: 30 } });
    await dataSource.initialize();
    return new InventoryTestKit(dataSource, database);
  }

  async stop(): Promise<void> {
    await this.dataSource.destroy();
    await this.database.drop();
  }

  /** A product with `stock` units on hand, under a fresh sku unless one is given. */
  async productWithStock(stock: number, sku = `sku-${randomUUID().slice(0, 8)}`): Promise<string> {
    await this.catalogue.createProduct({ sku, name: `Product ${sku}`, priceCents: 1250, stock });
    return sku;
  }

  async stockOf(sku: string): Promise<StockView> {
    return toStockView(await this.dataSource.getRepository(Product).findOneByOrFail({ sku }));
  }

  async reservationOf(orderId: string): Promise<Reservation | null> {
    return this.dataSource.getRepository(Reservation).findOneBy({ orderId });
  }

  reserve(orderId: string, lines: OrderLine[]) {
    return this.run((context) => this.handlers.reserve.reserve({ orderId, lines }, context));
  }

  release(orderId: string) {
    return this.run((context) => this.handlers.release.release({ orderId }, context));
  }

  confirm(orderId: string) {
    return this.run((context) => this.handlers.confirm.confirm({ orderId }, context));
  }

  restock(orderId: string) {
    return this.run((context) => this.handlers.restock.restock({ orderId }, context));
  }

  private run<R extends StepResult<unknown>>(handler: (context: ParticipantContext) => Promise<R>): Promise<R> {
    return this.dataSource.transaction((manager) => handler({ manager, sagaId: randomUUID(), step: 1, attempt: 1 }));
  }
}

/** The problem an RPC service rejected with, to assert on its status and code. */
export async function problemOf(promise: Promise<unknown>): Promise<Problem> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemException) return error.getResponse() as Problem;
    throw error;
  }
  throw new Error('expected a problem, got a result');
}
