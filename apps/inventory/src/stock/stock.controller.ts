import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InventoryRpc } from '@zhongtai/contracts';
import type { InventoryStats, PromisableStock, StockView } from '@zhongtai/contracts';
import { AdjustStockDto } from './adjust-stock.dto';
import { PromisableStockDto } from './promisable-stock.dto';
import { PromisableStockService } from './promisable-stock.service';
import { StockAdjustmentsService } from './stock-adjustments.service';
import { StockReportService } from './stock-report.service';

@Controller()
export class StockController {
  private readonly logger = new Logger(StockController.name);

  constructor(
    private readonly adjustments: StockAdjustmentsService,
    private readonly report: StockReportService,
    private readonly promisable: PromisableStockService,
  ) {}

  @MessagePattern(InventoryRpc.adjustStock)
  async adjustStock(@Payload() request: AdjustStockDto): Promise<StockView> {
    const stock = await this.adjustments.adjustStock(request);
    this.logger.log({ sku: request.sku, delta: request.delta, reference: request.reference }, 'stock adjusted');
    return stock;
  }

  @MessagePattern(InventoryRpc.promisableStock)
  promisableStock(@Payload() request: PromisableStockDto): Promise<PromisableStock> {
    return this.promisable.promisableStock(request);
  }

  @MessagePattern(InventoryRpc.stats)
  stats(): Promise<InventoryStats> {
    return this.report.stats();
  }
}
