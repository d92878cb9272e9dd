import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InventoryRpc } from '@zhongtai/contracts';
import type {
  InventoryStats,
  PromisableStock,
  StockAdjustmentPage,
  StockView,
  WithOutboxBacklog,
} from '@zhongtai/contracts';
import { SagaQueries } from '@zhongtai/saga';
import { AdjustStockDto } from './adjust-stock.dto';
import { StockAdjustmentHistory, StockAdjustmentsDto } from './stock-adjustment-history';
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
    private readonly history: StockAdjustmentHistory,
    private readonly sagas: SagaQueries,
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

  @MessagePattern(InventoryRpc.listAdjustments)
  listAdjustments(@Payload() request: StockAdjustmentsDto): Promise<StockAdjustmentPage> {
    return this.history.list(request);
  }

  @MessagePattern(InventoryRpc.stats)
  async stats(): Promise<WithOutboxBacklog<InventoryStats>> {
    const [stats, outboxBacklog] = await Promise.all([this.report.stats(), this.sagas.outboxBacklog()]);
    return { ...stats, outboxBacklog };
  }
}
