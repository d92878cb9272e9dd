/**
 * The checkout benchmark's world, made through the operator API as an operator would make it:
 * a catalogue of ordinary skus with ample stock, customers with funded wallets (logged in),
 * a few coupons; and the carts the load generator sends: one to `maxLines` lines of distinct
 * skus, one to three units each, a coupon on a share of them.
 */
import { Storefront } from '../../test/support/storefront';
import type { CheckoutBody } from '../lib/checkout-client';
import { mapLimit } from '../lib/load';

export interface CheckoutWorld {
  skus: string[];
  coupons: string[];
  customers: { id: string; token: string }[];
}

export interface WorldSize {
  skus: number;
  customers: number;
  coupons: number;
  walletCents: number;
}

const SET_UP_PARALLELISM = 16;

export async function buildWorld(storefront: Storefront, size: WorldSize): Promise<CheckoutWorld> {
  const skus = await mapLimit(Array.from({ length: size.skus }), SET_UP_PARALLELISM, () =>
    storefront.productWithStock(10_000_000, 100 + Math.floor(Math.random() * 4_900)),
  );
  const coupons = await mapLimit(Array.from({ length: size.coupons }), 4, (_, i) =>
    storefront.coupon(
      i % 2 === 0
        ? { kind: 'FIXED', value: 300, minSubtotalCents: 0, maxRedemptions: 10_000_000, perCustomerLimit: 10_000_000 }
        : { kind: 'PERCENT', value: 5, minSubtotalCents: 0, maxRedemptions: 10_000_000, perCustomerLimit: 10_000_000 },
    ),
  );
  const customers = await mapLimit(Array.from({ length: size.customers }), SET_UP_PARALLELISM, async () => {
    const customer = await storefront.customerWithWallet(size.walletCents);
    return { id: customer.id, token: customer.token };
  });
  return { skus, coupons, customers };
}

export function randomCart(world: CheckoutWorld, maxLines: number, couponShare: number): CheckoutBody {
  const lines = 1 + Math.floor(Math.random() * maxLines);
  const chosen = new Set<string>();
  while (chosen.size < Math.min(lines, world.skus.length)) {
    chosen.add(world.skus[Math.floor(Math.random() * world.skus.length)]);
  }
  const body: CheckoutBody = {
    items: [...chosen].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) })),
  };
  if (world.coupons.length > 0 && Math.random() < couponShare) {
    body.couponCode = world.coupons[Math.floor(Math.random() * world.coupons.length)];
  }
  return body;
}

export function randomCustomer(world: CheckoutWorld): { id: string; token: string } {
  return world.customers[Math.floor(Math.random() * world.customers.length)];
}
