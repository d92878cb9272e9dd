import { defineCommand } from '@zhongtai/saga';

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** Saga commands the inventory service carries out, keyed by order: one reservation per order. */
export const InventoryCommands = {
  /** Holds stock for every line, all or nothing. */
  reserve: defineCommand<
    { orderId: string; lines: OrderLine[] },
    { reservationId: string },
    'OUT_OF_STOCK' | 'UNKNOWN_SKU'
  >('inventory', 'reserve'),
  /** Compensation of reserve: gives the held stock back (a no-op if nothing is held). */
  release: defineCommand<{ orderId: string }>('inventory', 'release'),
  /** After payment: the held stock is sold (stock on hand and reserved both go down). */
  confirm: defineCommand<{ orderId: string }>('inventory', 'confirm'),
  /** Cancel saga: the sold stock of a refunded order returns to stock on hand. */
  restock: defineCommand<{ orderId: string }>('inventory', 'restock'),
};

/** Request/reply subjects of the inventory service's stock (under the NATS prefix); its products are in CatalogueRpc. */
export const InventoryRpc = {
  adjustStock: 'inventory.stock.adjust',
  /** What the gateway's flash-sale gate rebuilds its counts from. */
  promisableStock: 'inventory.stock.promisable',
  stats: 'inventory.stats',
  /** Operators' stock adjustments, newest first. */
  listAdjustments: 'inventory.stock.adjustments',
} as const;

export interface PromisableStockRequest {
  skus: string[];
  /** Orders that the gate promised stock to and has not yet seen settled. */
  orderIds: string[];
}

/** One snapshot of the inventory database: both parts were read at the same moment. */
export interface PromisableStock {
  /** The known skus among those asked, with the stock on hand that no reservation holds. */
  products: { sku: string; name: string; priceCents: number; available: number }[];
  /** Those of the orders asked that hold or have held a reservation: `available` already counts them. */
  reservedOrderIds: string[];
}

export interface AdjustStockRequest {
  sku: string;
  delta: number;
  reference: string;
}

export interface StockView {
  sku: string;
  stockOnHand: number;
  reserved: number;
  sold: number;
  available: number;
}

export interface InventoryStats {
  products: StockView[];
  reservations: Record<'RESERVED' | 'COMMITTED' | 'RELEASED', number>;
}

export interface StockAdjustmentsRequest {
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
}

/** One operator's stock adjustment, as recorded under its reference. */
export interface StockAdjustmentView {
  reference: string;
  sku: string;
  delta: number;
  /** Stock on hand once applied; null for adjustments recorded before it was kept. */
  stockOnHandAfter: number | null;
  createdAt: string;
}

export interface StockAdjustmentPage {
  items: StockAdjustmentView[];
  nextCursor: string | null;
}
