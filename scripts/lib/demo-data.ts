/** The demo data the Quick start seeds through the gateway's operator API; prices in fen. */
export const DEMO_PRODUCTS = [
  { sku: 'TEA-LONGJING', name: 'Longjing green tea, 250 g', priceCents: 12800, stock: 500 },
  { sku: 'TEA-PUERH', name: 'Pu-erh cake, 357 g', priceCents: 26800, stock: 200 },
  { sku: 'CUP-CELADON', name: 'Celadon tea cup', priceCents: 4500, stock: 1000 },
  { sku: 'POT-YIXING', name: 'Yixing clay teapot', priceCents: 59900, stock: 50 },
  { sku: 'FAN-SILK', name: 'Silk folding fan (flash sale)', priceCents: 1990, stock: 100 },
];

export const DEMO_CUSTOMERS = [
  { email: 'mei@zhongtai.local', password: 'mei-password', name: 'Li Mei', walletCents: 1_000_000 },
  { email: 'lei@zhongtai.local', password: 'lei-password', name: 'Wang Lei', walletCents: 50_000 },
];

const YEAR_MS = 365 * 24 * 3600_000;

export function demoCoupons(now = Date.now()) {
  const window = {
    validFrom: new Date(now - 24 * 3600_000).toISOString(),
    validUntil: new Date(now + YEAR_MS).toISOString(),
  };
  return [
    {
      code: 'WELCOME10',
      kind: 'PERCENT',
      value: 10,
      minSubtotalCents: 10_000,
      maxRedemptions: 1_000,
      perCustomerLimit: 1,
      ...window,
    },
    {
      code: 'FLASH50',
      kind: 'FIXED',
      value: 5_000,
      minSubtotalCents: 20_000,
      maxRedemptions: 100,
      perCustomerLimit: 1,
      ...window,
    },
  ];
}
