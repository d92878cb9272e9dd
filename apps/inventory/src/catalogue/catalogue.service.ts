import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CURRENCY } from '@zhongtai/contracts';
import type { CreateProductRequest, ProductView, QuoteResponse } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { In, QueryFailedError, Repository } from 'typeorm';
import { Product } from './product.entity';

const UNIQUE_VIOLATION = '23505';

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

  /**
   * Today's names and prices of the known skus among `skus`, which an order copies onto its
   * lines, with the stock nobody holds, so that a sold-out checkout is refused without a saga.
   */
  async quote(skus: string[]): Promise<QuoteResponse> {
    if (skus.length === 0) return { products: [] };
    const products = await this.products.find({
      select: { sku: true, name: true, priceCents: true, stockOnHand: true, reserved: true },
      where: { sku: In(skus) },
      order: { sku: 'ASC' },
    });
    return {
      products: products.map(({ sku, name, priceCents, stockOnHand, reserved }) => ({
        sku,
        name,
        priceCents,
        available: stockOnHand - reserved,
      })),
    };
  }

  /** The primary key, not a prior lookup, decides that a sku is taken: two racing creations cannot both win. */
  async createProduct(request: CreateProductRequest): Promise<ProductView> {
    const product = this.products.create({
      sku: request.sku,
      name: request.name,
      priceCents: request.priceCents,
      stockOnHand: request.stock,
      reserved: 0,
      sold: 0,
    });
    try {
      await this.products.insert(product);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ProblemException(HttpStatus.CONFLICT, 'SKU_EXISTS', `A product with sku ${request.sku} exists`);
      }
      throw error;
    }
    return toView(product);
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
