import { randomUUID } from 'node:crypto';
import type { CreditRequest } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { PaymentTestKit } from '../testing/payment-test-kit';

describe('crediting a wallet', () => {
  let ledger: PaymentTestKit;

  beforeAll(async () => {
    ledger = await PaymentTestKit.open('pay_credit');
  });

  afterAll(() => ledger.close());

  it('shows an empty wallet for a customer never credited', async () => {
    await expect(ledger.wallets.showWallet(randomUUID())).resolves.toEqual({ balanceCents: 0, currency: 'CNY' });
  });

  it('opens the wallet and moves the amount from the funding account into it', async () => {
    const customerId = randomUUID();
    const fundingBefore = await ledger.fundingBalance();

    const wallet = await ledger.wallets.creditWallet({ customerId, amountCents: 5000, reference: randomUUID() });

    expect(wallet).toEqual({ balanceCents: 5000, currency: 'CNY' });
    await expect(ledger.wallets.showWallet(customerId)).resolves.toEqual(wallet);
    expect(await ledger.fundingBalance()).toBe(fundingBefore - 5000);
  });

  it('credits once per reference: the same credit again returns the wallet as it is now', async () => {
    const customerId = await ledger.customerWithWallet(1000);
    const credit = { customerId, amountCents: 250, reference: `top-up-${randomUUID()}` };

    await expect(ledger.wallets.creditWallet(credit)).resolves.toEqual({ balanceCents: 1250, currency: 'CNY' });
    await expect(ledger.wallets.creditWallet(credit)).resolves.toEqual({ balanceCents: 1250, currency: 'CNY' });
    expect(await ledger.postingCount('CREDIT', credit.reference)).toBe(1);
  });

  it('credits the same wallet whether the customer id is spelled in lower or upper case', async () => {
    const customerId = randomUUID();
    const reference = randomUUID();

    await ledger.wallets.creditWallet({ customerId: customerId.toUpperCase(), amountCents: 300, reference });
    // a retry of the same credit in the other spelling is the same credit, not a reused reference
    await ledger.wallets.creditWallet({ customerId, amountCents: 300, reference });
    await expect(
      ledger.wallets.creditWallet({ customerId, amountCents: 200, reference: randomUUID() }),
    ).resolves.toEqual({
      balanceCents: 500,
      currency: 'CNY',
    });
    await expect(ledger.wallets.showWallet(customerId.toUpperCase())).resolves.toEqual({
      balanceCents: 500,
      currency: 'CNY',
    });
    expect(await ledger.postingCount('CREDIT', reference)).toBe(1);
  });

  it('credits once when the same credit arrives 20 times at once', async () => {
    const credit = { customerId: randomUUID(), amountCents: 700, reference: randomUUID() };

    const wallets = await Promise.all(Array.from({ length: 20 }, () => ledger.wallets.creditWallet(credit)));

    expect(wallets.map((wallet) => wallet.balanceCents)).toEqual(Array(20).fill(700));
    expect(await ledger.walletBalance(credit.customerId)).toBe(700);
  });

  it.each<[string, Partial<CreditRequest>]>([
    ['another customer', { customerId: randomUUID() }],
    ['another amount', { amountCents: 999 }],
  ])('refuses a reference reused for %s with 409 REFERENCE_REUSED, moving nothing', async (_, change) => {
    const first = { customerId: randomUUID(), amountCents: 400, reference: randomUUID() };
    await ledger.wallets.creditWallet(first);
    const creditedBefore = (await ledger.stats.ledgerStats()).creditedCents;

    const reuse = ledger.wallets.creditWallet({ ...first, ...change });

    await expect(reuse).rejects.toBeInstanceOf(ProblemException);
    await expect(reuse).rejects.toMatchObject({ status: 409, response: { code: 'REFERENCE_REUSED', status: 409 } });
    expect(await ledger.walletBalance(first.customerId)).toBe(400);
    expect((await ledger.stats.ledgerStats()).creditedCents).toBe(creditedBefore);
    if (change.customerId)
      await expect(ledger.wallets.showWallet(change.customerId)).resolves.toMatchObject({ balanceCents: 0 });
  });
});
