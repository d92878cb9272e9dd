import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Product } from '../catalogue/product.entity';
import { Reservation } from '../reservations/reservation.entity';
import { StockAdjustmentHistory } from './stock-adjustment-history';
import { StockAdjustmentsService } from './stock-adjustments.service';
import { StockController } from './stock.controller';
import { PromisableStockService } from './promisable-stock.service';
import { StockReportService } from './stock-report.service';

/** Operators' view and changes of stock on hand. */
@Module({
  imports: [TypeOrmModule.forFeature([Product, Reservation])],
  controllers: [StockController],
  providers: [StockAdjustmentsService, StockReportService, PromisableStockService, StockAdjustmentHistory],
})
export class StockModule {}
