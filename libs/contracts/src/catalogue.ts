/** Request/reply subjects of the inventory service's catalogue (under the NATS prefix). */
export const CatalogueRpc = {
  listProducts: 'inventory.products.list',
  getProduct: 'inventory.products.get',
} as const;

export const CURRENCY = 'CNY';

export interface ProductView {
  sku: string;
  name: string;
  priceCents: number;
  currency: typeof CURRENCY;
  /** Stock on hand that no reservation holds. */
  available: number;
}

export interface GetProductRequest {
  sku: string;
}
