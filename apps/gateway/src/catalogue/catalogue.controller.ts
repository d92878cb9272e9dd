import { Controller, Get, HttpStatus, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CatalogueRpc } from '@zhongtai/contracts';
import type { ProductView } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import { ProductResponse } from './product.response';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';

@ApiTags('catalogue')
@Audience('public')
@Controller('products')
export class CatalogueController {
  constructor(@InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient) {}

  @Get()
  @ApiOkResponse({ type: ProductResponse, isArray: true })
  @ApiProblemResponses(502, 504)
  listProducts(): Promise<ProductView[]> {
    return this.inventory.request<ProductView[]>(CatalogueRpc.listProducts, {});
  }

  @Get(':sku')
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblemResponses(404, 502, 504)
  async findProduct(@Param('sku') sku: string): Promise<ProductView> {
    const product = await this.inventory.request<ProductView | null>(CatalogueRpc.getProduct, { sku });
    if (!product) throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No product with sku ${sku}`);
    return product;
  }
}
