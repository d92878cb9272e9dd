/** The demo catalogue the Quick start seeds; prices in fen. */
export const DEMO_PRODUCTS = [
  { sku: 'TEA-LONGJING', name: 'Longjing green tea, 250 g', priceCents: 12800, stock: 500 },
  { sku: 'TEA-PUERH', name: 'Pu-erh cake, 357 g', priceCents: 26800, stock: 200 },
  { sku: 'CUP-CELADON', name: 'Celadon tea cup', priceCents: 4500, stock: 1000 },
  { sku: 'POT-YIXING', name: 'Yixing clay teapot', priceCents: 59900, stock: 50 },
  { sku: 'FAN-SILK', name: 'Silk folding fan (flash sale)', priceCents: 1990, stock: 100 },
] as const;
