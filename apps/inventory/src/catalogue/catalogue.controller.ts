import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogueRpc } from '@zhongtai/contracts';
import type { GetProductRequest, ProductView } from '@zhongtai/contracts';
import { CatalogueService } from './catalogue.service';

@Controller()
export class CatalogueController {
  private readonly logger = new Logger(CatalogueController.name);

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
}
