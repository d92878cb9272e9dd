import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CatalogueRpc, CouponRpc, InventoryRpc } from '@zhongtai/contracts';
import type { ProductView, StockAdjustmentPage, StockAdjustmentView, StockView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { Audience } from '../auth/principal';
import { ProductResponse } from '../catalogue/product.response';
import { GateReconciler } from '../flash-sale/gate-reconciler';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { PageQuery } from '../http/list-query';
import { AdjustStockRequest, CreateCouponRequest, CreateProductRequest } from './admin.requests';

class StockResponse implements StockView {
  @ApiProperty() sku!: string;
  @ApiProperty() stockOnHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty() sold!: number;
  @ApiProperty() available!: number;
}

class StockAdjustmentResponse implements StockAdjustmentView {
  @ApiProperty({ example: 'adj-20261203-0001' }) reference!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ description: 'Units added (positive) or removed (negative)' }) delta!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Stock on hand once applied (null for adjustments recorded before it was kept)',
  })
  stockOnHandAfter!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class StockAdjustmentPageResponse implements StockAdjustmentPage {
  @ApiProperty({ type: [StockAdjustmentResponse] }) items!: StockAdjustmentResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

class CouponResponse extends CreateCouponRequest {}

@ApiTags('admin')
@ApiBearerAuth()
@Audience('operator')
@Controller('admin')
export class AdminCatalogueController {
  constructor(
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
    @InjectRpcClient('coupon') private readonly coupons: ServiceRpcClient,
    private readonly gate: GateReconciler,
  ) {}

  /** The flash-sale gate holds the new product's count before the answer. */
  @Post('products')
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiProblemResponses(400, 401, 403, 409, 429)
  async createProduct(@Body() request: CreateProductRequest): Promise<ProductView> {
    const product = await this.inventory.request<ProductView>(CatalogueRpc.createProduct, request);
    await this.gate.rebuilt([product.sku]);
    return product;
  }

  /**
   * Idempotent on `reference`; never takes stock below what reservations hold (409). The
   * flash-sale gate's count of the sku is rebuilt from the adjusted stock before the answer.
   */
  @Post('products/:sku/stock')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StockResponse })
  @ApiProblemResponses(400, 401, 403, 404, 409, 429)
  async adjustStock(@Param('sku') sku: string, @Body() request: AdjustStockRequest): Promise<StockView> {
    const stock = await this.inventory.request<StockView>(InventoryRpc.adjustStock, { sku, ...request });
    await this.gate.rebuilt([sku]);
    return stock;
  }

  /** The stock adjustments made under their references, newest first, cursor-paginated. */
  @Get('stock-adjustments')
  @ApiOkResponse({ type: StockAdjustmentPageResponse })
  @ApiProblemResponses(400, 401, 403, 429)
  listStockAdjustments(@Query() query: PageQuery): Promise<StockAdjustmentPage> {
    return this.inventory.request<StockAdjustmentPage>(InventoryRpc.listAdjustments, {
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  @Post('coupons')
  @ApiCreatedResponse({ type: CouponResponse })
  @ApiProblemResponses(400, 401, 403, 409, 429)
  createCoupon(@Body() request: CreateCouponRequest): Promise<CouponResponse> {
    return this.coupons.request<CouponResponse>(CouponRpc.createCoupon, request);
  }
}
