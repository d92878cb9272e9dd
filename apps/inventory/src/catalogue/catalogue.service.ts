import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CURRENCY, ProductView } from '@zhongtai/contracts';
import { Repository } from 'typeorm';
import { Product } from './product.entity';

@Injectable()
export class CatalogueService {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  async listProducts(): Promise<ProductView[]> {
    const products = await this.products.find({ order: { sku: 'ASC' } });
    return products.map(toView);
  }

  async findProduct(sku: string): Promise<ProductView | null> {
    const product = await this.products.findOneBy({ sku });
    return product ? toView(product) : null;
  }
}

function toView(product: Product): ProductView {
  return {
    sku: product.sku,
    name: product.name,
    priceCents: product.priceCents,
    currency: CURRENCY,
    available: product.stockOnHand - product.reserved,
  };
}
