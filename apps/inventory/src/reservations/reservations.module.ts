import { Module } from '@nestjs/common';
import { InventoryConfirmHandler } from './inventory-confirm.handler';
import { InventoryReleaseHandler } from './inventory-release.handler';
import { InventoryReserveHandler } from './inventory-reserve.handler';
import { InventoryRestockHandler } from './inventory-restock.handler';

/** The inventory's part in the checkout and cancel sagas: one reservation per order, one handler per command. */
@Module({
  providers: [InventoryReserveHandler, InventoryReleaseHandler, InventoryConfirmHandler, InventoryRestockHandler],
})
export class ReservationsModule {}
