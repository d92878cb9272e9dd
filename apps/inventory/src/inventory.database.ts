import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { Product } from './catalogue/product.entity';
import { CreateStock1764000000000 } from './migrations/1764000000000-create-stock';
import { StockAdjustmentsHistory1764000000001 } from './migrations/1764000000001-stock-adjustments-history';
import { Reservation } from './reservations/reservation.entity';
import { StockAdjustment } from './stock/stock-adjustment.entity';

export const inventoryDatabase: DatabaseDefinition = {
  entities: [Product, Reservation, StockAdjustment],
  migrations: [...sagaMigrations, CreateStock1764000000000, StockAdjustmentsHistory1764000000001],
};
