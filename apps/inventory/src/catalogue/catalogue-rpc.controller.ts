import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogueRpc } from '@zhongtai/contracts';
import type { GetProductRequest, ProductView, QuoteResponse } from '@zhongtai/contracts';
import { CatalogueService } from './catalogue.service';
import { CreateProductDto } from './create-product.dto';
import { QuoteDto } from './quote.dto';

@Controller()
export class CatalogueRpcController {
  private readonly logger = new Logger(CatalogueRpcController.name);

  constructor(private readonly catalogue: CatalogueService) {}

  @MessagePattern(CatalogueRpc.listProducts)
  async listProducts(): Promise<ProductView[]> {
    const products = await this.catalogue.listProducts();
    this.logger.log({ count: products.length }, 'catalogue listed');
    return products;
  }

  @MessagePattern(CatalogueRpc.getProduct)
  findProduct(@Payload() request: GetProductRequest): Promise<ProductView | null> {
    return this.catalogue.findProduct(request.sku);
  }

  @MessagePattern(CatalogueRpc.quote)
  quote(@Payload() request: QuoteDto): Promise<QuoteResponse> {
    return this.catalogue.quote(request.skus);
  }

  @MessagePattern(CatalogueRpc.createProduct)
  async createProduct(@Payload() request: CreateProductDto): Promise<ProductView> {
    const product = await this.catalogue.createProduct(request);
    this.logger.log({ sku: product.sku, stock: request.stock }, 'product created');
    return product;
  }
}
