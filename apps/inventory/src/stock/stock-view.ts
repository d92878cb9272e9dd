import type { StockView } from '@zhongtai/contracts';

export interface StockCounters {
  sku: string;
  stockOnHand: number;
  reserved: number;
  sold: number;
}

export function toStockView({ sku, stockOnHand, reserved, sold }: StockCounters): StockView {
  return { sku, stockOnHand, reserved, sold, available: stockOnHand - reserved };
}
