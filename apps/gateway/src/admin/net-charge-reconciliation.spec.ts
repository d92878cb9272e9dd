import type { ExpectedChargesRequest, NetChargesRequest } from '@zhongtai/contracts';
import { reconcileNetCharges } from './net-charge-reconciliation';

/** The two services' paging, as their SQL does it: ids in byte order, bounds exclusive below, inclusive above. */
function world(orders: Record<string, number | null>, charges: Record<string, number>) {
  const ids = Object.keys(orders).sort();
  const pages: unknown[] = [];
  const orderService = {
    request: async <T>(_subject: string, { after, limit }: ExpectedChargesRequest): Promise<T> => {
      const page = ids.filter((id) => after === null || id > after).slice(0, limit);
      pages.push(page);
      return { orders: page.map((id) => ({ id, expectedNetCents: orders[id] })) } as T;
    },
  };
  const paymentService = {
    request: async <T>(_subject: string, { after, upTo }: NetChargesRequest): Promise<T> => {
      const inRange = Object.entries(charges).filter(
        ([id]) => (after === null || id > after) && (upTo === null || id <= upTo),
      );
      return { netChargedByOrder: Object.fromEntries(inRange) } as T;
    },
  };
  return { orderService, paymentService, pages };
}

describe('reconcileNetCharges', () => {
  const settled = { a1: 500, b2: 0, c3: 700, d4: null, e5: 0 };

  it('finds nothing wrong when every settled order holds its net charge, whatever the page size', async () => {
    for (const pageSize of [1, 2, 3, 5, 100]) {
      const { orderService, paymentService } = world(settled, { a1: 500, c3: 700, d4: 900, e5: 0 });
      await expect(reconcileNetCharges(orderService, paymentService, 1_000, pageSize)).resolves.toEqual({
        mismatchCount: 0,
        firstMismatches: [],
      });
    }
  });

  it('names a paid order charged the wrong amount, a cancelled order still charged and a paid order never charged', async () => {
    const { orderService, paymentService } = world(settled, { a1: 400, b2: 300 });
    const result = await reconcileNetCharges(orderService, paymentService, 1_000, 2);
    expect(result.firstMismatches.sort()).toEqual(['a1', 'b2', 'c3']);
    expect(result.mismatchCount).toBe(3);
  });

  it('names charges for orders that do not exist, before, between and after the orders on every page', async () => {
    const charges = { '0': 100, a1: 500, b9: 100, c3: 700, zz: 100 };
    const { orderService, paymentService, pages } = world(settled, charges);
    const result = await reconcileNetCharges(orderService, paymentService, 1_000, 2);
    expect(result.firstMismatches.sort()).toEqual(['0', 'b9', 'zz']);
    expect(pages).toEqual([['a1', 'b2'], ['c3', 'd4'], ['e5']]);
  });

  it('counts every mismatch but names only the first hundred', async () => {
    const orders = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`o${String(i).padStart(3, '0')}`, 100]));
    const { orderService, paymentService } = world(orders, {});
    const result = await reconcileNetCharges(orderService, paymentService, 1_000, 40);
    expect(result.mismatchCount).toBe(250);
    expect(result.firstMismatches).toHaveLength(100);
  });
});
