import { amountMoved } from './posting-lines';
import { FUNDING_ACCOUNT, lockOrder, merchantAccountFor, MERCHANT_SHARDS, walletAccountId } from './ledger-accounts';

const MERCHANT = merchantAccountFor('an order');

const wallet = walletAccountId('7d1c2d4e-1f0a-4c55-9a51-4c0f3a9b2e10');

describe('posting lines', () => {
  it('moves the sum of the positive entries of a balanced posting', () => {
    expect(
      amountMoved([
        { accountId: wallet, amountCents: -700 },
        { accountId: MERCHANT, amountCents: 500 },
        { accountId: FUNDING_ACCOUNT, amountCents: 200 },
      ]),
    ).toBe(700);
  });

  it('refuses entries that do not sum to zero', () => {
    expect(() =>
      amountMoved([
        { accountId: wallet, amountCents: -700 },
        { accountId: MERCHANT, amountCents: 699 },
      ]),
    ).toThrow(/sum to zero/);
  });

  it.each([0, 1.5, Number.NaN, 2 ** 60])('refuses an entry of %p cents', (amountCents) => {
    expect(() =>
      amountMoved([
        { accountId: wallet, amountCents: -amountCents },
        { accountId: MERCHANT, amountCents },
      ]),
    ).toThrow(/whole number/);
  });

  it('refuses a single entry and two entries on one account', () => {
    expect(() => amountMoved([{ accountId: wallet, amountCents: 0 }])).toThrow(/two entries/);
    expect(() =>
      amountMoved([
        { accountId: wallet, amountCents: -1 },
        { accountId: wallet, amountCents: 1 },
      ]),
    ).toThrow(/one entry per account/);
  });
});

describe('lock order', () => {
  it('locks wallets before the merchant and the merchant before funding', () => {
    const accounts = [FUNDING_ACCOUNT, 'merchant', MERCHANT, walletAccountId('b'), walletAccountId('a')];
    expect([...accounts].sort(lockOrder)).toEqual([
      walletAccountId('a'),
      walletAccountId('b'),
      'merchant',
      MERCHANT,
      FUNDING_ACCOUNT,
    ]);
  });
});

describe('merchant accounts', () => {
  it('pays each order into one of the merchant shards, always the same, spreading orders over all of them', () => {
    const orders = Array.from({ length: 2_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const shards = new Map<string, number>();
    for (const order of orders) shards.set(merchantAccountFor(order), (shards.get(merchantAccountFor(order)) ?? 0) + 1);
    expect([...shards.keys()].sort()).toEqual(
      Array.from({ length: MERCHANT_SHARDS }, (_, n) => `merchant:${n}`).sort(),
    );
    // No shard takes more than twice its share: contention spreads, not moves.
    expect(Math.max(...shards.values())).toBeLessThan((2 * orders.length) / MERCHANT_SHARDS);
    expect(merchantAccountFor(orders[7])).toBe(merchantAccountFor(orders[7]));
  });
});
