import { Module } from '@nestjs/common';
import { sagaModule } from '@zhongtai/platform';
import { CatalogueModule } from './catalogue/catalogue.module';
import { ReservationsModule } from './reservations/reservations.module';
import { StockModule } from './stock/stock.module';

/** Inventory takes part in sagas and orchestrates none. */
@Module({ imports: [sagaModule(), CatalogueModule, ReservationsModule, StockModule] })
export class InventoryModule {}
