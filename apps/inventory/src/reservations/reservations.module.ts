import { Module } from '@nestjs/common';
import { ReleaseStockHandler } from './release-stock.handler';
import { ReserveStockHandler } from './reserve-stock.handler';
import { RestockOrderHandler } from './restock-order.handler';
import { SellReservedStockHandler } from './sell-reserved-stock.handler';

/** The inventory's part in the checkout and cancel sagas: one reservation per order. */
@Module({ providers: [ReserveStockHandler, ReleaseStockHandler, SellReservedStockHandler, RestockOrderHandler] })
export class ReservationsModule {}
