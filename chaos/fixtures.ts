import { Storefront } from '../test/support/storefront';
import type { Tier } from './tiers';
import type { Shopper } from './client';

export type Wealth = 'rich' | 'modest' | 'poor';

export interface ChaosCustomer extends Shopper {
  wealth: Wealth;
  creditedCents: number;
}

export interface ChaosProduct {
  sku: string;
  priceCents: number;
  initialStock: number;
  hot: boolean;
}

export interface ChaosCoupon {
  code: string;
  kind: 'FIXED' | 'PERCENT';
  value: number;
  maxRedemptions: number;
  perCustomerLimit: number;
}

/** What the workload shops with; the probe customer and sku are kept out of the traffic. */
export interface Fixtures {
  customers: ChaosCustomer[];
  probeCustomer: ChaosCustomer;
  products: ChaosProduct[];
  probeSku: string;
  coupons: ChaosCoupon[];
}

const WALLETS: Record<Wealth, number> = { rich: 2_000_000, modest: 12_000, poor: 500 };

/** Hot skus with little stock (oversell bait) and ordinary ones with plenty. */
const PRODUCTS: ChaosProduct[] = [
  { sku: 'HOT-LONGJING', priceCents: 1_990, initialStock: 6, hot: true },
  { sku: 'HOT-TEAPOT', priceCents: 4_990, initialStock: 10, hot: true },
  { sku: 'TEA-OOLONG', priceCents: 1_200, initialStock: 400, hot: false },
  { sku: 'TEA-PUER', priceCents: 2_500, initialStock: 400, hot: false },
  { sku: 'CUP-CELADON', priceCents: 800, initialStock: 400, hot: false },
  { sku: 'SET-GIFT', priceCents: 9_900, initialStock: 400, hot: false },
];
const PROBE_PRODUCT: ChaosProduct = { sku: 'PROBE-BISCUIT', priceCents: 1_000, initialStock: 500, hot: false };

/** Single-use coupons, a once-per-customer one and a small shared cap. */
const COUPONS: ChaosCoupon[] = [
  { code: 'SOLO-A', kind: 'FIXED', value: 300, maxRedemptions: 1, perCustomerLimit: 1 },
  { code: 'SOLO-B', kind: 'FIXED', value: 300, maxRedemptions: 1, perCustomerLimit: 1 },
  { code: 'ONCE-EACH', kind: 'PERCENT', value: 10, maxRedemptions: 100_000, perCustomerLimit: 1 },
  { code: 'CAPPED-4', kind: 'FIXED', value: 150, maxRedemptions: 4, perCustomerLimit: 2 },
];

/** Creates the catalogue, coupons and customers through the operator API, before any fault. */
export async function createFixtures(shop: Storefront, tier: Tier): Promise<Fixtures> {
  for (const product of [...PRODUCTS, PROBE_PRODUCT]) {
    const { sku, priceCents, initialStock: stock } = product;
    const created = await shop.admin('POST', '/admin/products', { sku, name: `Chaos ${sku}`, priceCents, stock });
    if (created.status !== 201) throw new Error(`product ${sku}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const now = Date.now();
  for (const coupon of COUPONS) {
    await shop.coupon({
      ...coupon,
      minSubtotalCents: 0,
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 7 * 86_400_000).toISOString(),
    });
  }
  const wealths: Wealth[] = [
    ...Array<Wealth>(tier.customers.rich).fill('rich'),
    ...Array<Wealth>(tier.customers.modest).fill('modest'),
    ...Array<Wealth>(tier.customers.poor).fill('poor'),
  ];
  const customers: ChaosCustomer[] = [];
  for (let i = 0; i < wealths.length; i += 4) {
    const batch = wealths.slice(i, i + 4);
    customers.push(...(await Promise.all(batch.map((wealth) => customer(shop, wealth)))));
  }
  return {
    customers,
    probeCustomer: await customer(shop, 'rich'),
    products: PRODUCTS,
    probeSku: PROBE_PRODUCT.sku,
    coupons: COUPONS,
  };
}

async function customer(shop: Storefront, wealth: Wealth): Promise<ChaosCustomer> {
  const created = await shop.customerWithWallet(WALLETS[wealth]);
  return { id: created.id, token: created.token, wealth, creditedCents: WALLETS[wealth] };
}

export const ALL_PRODUCTS = [...PRODUCTS, PROBE_PRODUCT];

/** The skus the workload shops for (the probe sku is kept out of the traffic and of the faults). */
export const WORKLOAD_SKUS: readonly string[] = PRODUCTS.map((p) => p.sku);
