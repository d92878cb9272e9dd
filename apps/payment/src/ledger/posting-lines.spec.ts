import { amountMoved } from './posting-lines';
import { FUNDING_ACCOUNT, lockOrder, MERCHANT_ACCOUNT, walletAccountId } from './ledger-accounts';

const wallet = walletAccountId('7d1c2d4e-1f0a-4c55-9a51-4c0f3a9b2e10');

describe('posting lines', () => {
  it('moves the sum of the positive entries of a balanced posting', () => {
    expect(
      amountMoved([
        { accountId: wallet, amountCents: -700 },
        { accountId: MERCHANT_ACCOUNT, amountCents: 500 },
        { accountId: FUNDING_ACCOUNT, amountCents: 200 },
      ]),
    ).toBe(700);
  });

  it('refuses entries that do not sum to zero', () => {
    expect(() =>
      amountMoved([
        { accountId: wallet, amountCents: -700 },
        { accountId: MERCHANT_ACCOUNT, amountCents: 699 },
      ]),
    ).toThrow(/sum to zero/);
  });

  it.each([0, 1.5, Number.NaN, 2 ** 60])('refuses an entry of %p cents', (amountCents) => {
    expect(() =>
      amountMoved([
        { accountId: wallet, amountCents: -amountCents },
        { accountId: MERCHANT_ACCOUNT, amountCents },
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
    const accounts = [FUNDING_ACCOUNT, MERCHANT_ACCOUNT, walletAccountId('b'), walletAccountId('a')];
    expect([...accounts].sort(lockOrder)).toEqual([
      walletAccountId('a'),
      walletAccountId('b'),
      MERCHANT_ACCOUNT,
      FUNDING_ACCOUNT,
    ]);
  });
});
