/** Request/reply subjects of the inventory service's catalogue (under the NATS prefix). */
export const CatalogueRpc = {
  listProducts: 'inventory.products.list',
  getProduct: 'inventory.products.get',
  /** Prices, names and unheld stock of skus, for an order's lines at checkout time. */
  quote: 'inventory.products.quote',
  createProduct: 'inventory.products.create',
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

export interface QuoteRequest {
  skus: string[];
}

/**
 * Known skus only; a sku missing from the answer is unknown. `available` is the stock that no
 * reservation held when the quote was read: a hint, for only a reservation takes stock.
 */
export interface QuoteResponse {
  products: { sku: string; name: string; priceCents: number; available: number }[];
}

export interface CreateProductRequest {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}
