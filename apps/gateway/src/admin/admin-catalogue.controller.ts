import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CatalogueRpc, CouponRpc, InventoryRpc } from '@zhongtai/contracts';
import type { ProductView, StockView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { Audience } from '../auth/principal';
import { ProductResponse } from '../catalogue/product.response';
import { GateReconciler } from '../flash-sale/gate-reconciler';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { AdjustStockRequest, CreateCouponRequest, CreateProductRequest } from './admin.requests';

class StockResponse implements StockView {
  @ApiProperty() sku!: string;
  @ApiProperty() stockOnHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty() sold!: number;
  @ApiProperty() available!: number;
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

  @Post('coupons')
  @ApiCreatedResponse({ type: CouponResponse })
  @ApiProblemResponses(400, 401, 403, 409, 429)
  createCoupon(@Body() request: CreateCouponRequest): Promise<CouponResponse> {
    return this.coupons.request<CouponResponse>(CouponRpc.createCoupon, request);
  }
}
