import { randomUUID } from 'node:crypto';
import { eventually } from '../../../../test/support/infrastructure';
import { PaymentTestKit } from '../testing/payment-test-kit';
import { FUNDING_ACCOUNT, walletAccountId } from './ledger-accounts';
import { postEntries } from './post-entries';

describe('the ledger', () => {
  let ledger: PaymentTestKit;

  beforeAll(async () => {
    ledger = await PaymentTestKit.open('pay_ledger');
  });

  afterAll(() => ledger.close());

  function insertPosting(entries: [accountId: string, amountCents: number][], reference = randomUUID()) {
    return ledger.dataSource.transaction(async (manager) => {
      const postingId = randomUUID();
      await manager.query(
        `INSERT INTO postings (id, kind, reference, customer_id, amount_cents) VALUES ($1, 'CHARGE', $2, $3, 100)`,
        [postingId, reference, randomUUID()],
      );
      for (const [accountId, amountCents] of entries) {
        await manager.query('INSERT INTO ledger_entries (posting_id, account_id, amount_cents) VALUES ($1, $2, $3)', [
          postingId,
          accountId,
          amountCents,
        ]);
        await manager.query('UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1', [
          accountId,
          amountCents,
        ]);
      }
      return postingId;
    });
  }

  it('refuses at commit a posting whose entries do not sum to zero, even one written with plain SQL', async () => {
    const reference = randomUUID();

    await expect(
      insertPosting(
        [
          ['merchant', 100],
          ['funding', -99],
        ],
        reference,
      ),
    ).rejects.toThrow(/does not sum to zero/);
    expect(await ledger.postingCount('CHARGE', reference)).toBe(0);
  });

  it('accepts a balanced posting written with plain SQL', async () => {
    await expect(
      insertPosting([
        ['merchant', 100],
        ['funding', -100],
      ]),
    ).resolves.toEqual(expect.any(String));
  });

  it('never lets a wallet go negative, even through plain SQL', async () => {
    const customerId = await ledger.customerWithWallet(500);

    await expect(
      ledger.dataSource.query(`UPDATE accounts SET balance_cents = balance_cents - 501 WHERE id = $1`, [
        `wallet:${customerId}`,
      ]),
    ).rejects.toThrow(/accounts_wallet_never_negative/);
    expect(await ledger.walletBalance(customerId)).toBe(500);
  });

  it('never lets the merchant go negative nor the funding account positive', async () => {
    await expect(
      ledger.dataSource.query(`UPDATE accounts SET balance_cents = -1 WHERE id = 'merchant'`),
    ).rejects.toThrow(/accounts_merchant_never_negative/);
    await expect(ledger.dataSource.query(`UPDATE accounts SET balance_cents = 1 WHERE id = 'funding'`)).rejects.toThrow(
      /accounts_funding_never_positive/,
    );
  });

  it('charges a wallet that a credit still in flight tops up, on the balance the credit leaves once it commits', async () => {
    const customerId = await ledger.customerWithWallet(300);
    const credit = ledger.dataSource.createQueryRunner();
    await credit.connect();
    try {
      await credit.startTransaction();
      await postEntries(credit.manager, {
        kind: 'CREDIT',
        reference: randomUUID(),
        customerId,
        entries: [
          { accountId: FUNDING_ACCOUNT, amountCents: -300 },
          { accountId: walletAccountId(customerId), amountCents: 300 },
        ],
      });
      const charged = ledger.charge({ orderId: randomUUID(), customerId, amountCents: 400 });
      // The charge has taken its snapshot (300 in the wallet) and waits for the wallet's lock.
      await eventually(
        async () => {
          const [{ waiting }]: { waiting: number }[] = await ledger.dataSource.query(
            `SELECT count(*)::integer AS waiting FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return waiting > 0 ? true : undefined;
        },
        { what: 'the charge waiting for the wallet' },
      );
      await credit.commitTransaction();

      expect(await charged).toMatchObject({ ok: true });
    } finally {
      await credit.release();
    }
    expect(await ledger.walletBalance(customerId)).toBe(200);
    expect(await ledger.balancesOffTheirEntries()).toEqual([]);
  });

  it('keeps wallets plus merchant equal to all credits, whatever mix of credits, charges and refunds ran at once', async () => {
    const customers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => ledger.customerWithWallet(1_000 * (i + 1))),
    );
    const orders = customers.flatMap((customerId) =>
      Array.from({ length: 6 }, (_, i) => ({ orderId: randomUUID(), customerId, amountCents: 300 + 100 * i })),
    );

    const [charged] = await Promise.all([
      Promise.all(orders.map((order) => ledger.charge(order))),
      Promise.all(
        customers.map((customerId) =>
          ledger.wallets.creditWallet({ customerId, amountCents: 777, reference: randomUUID() }),
        ),
      ),
    ]);
    const refunded = orders.filter((_, i) => i % 3 === 0);
    await Promise.all(refunded.map((order) => ledger.refund(order.orderId)));

    const stats = await ledger.stats.ledgerStats();
    expect(stats.walletsCents + stats.merchantCents).toBe(stats.creditedCents);
    expect(stats.ledgerSumCents).toBe(0);
    expect(await ledger.balancesOffTheirEntries()).toEqual([]);
    const expectedNet = Object.fromEntries(
      orders
        .filter((_, i) => charged[i].ok)
        .map((order) => [order.orderId, refunded.includes(order) ? 0 : order.amountCents]),
    );
    const { netChargedByOrder } = await ledger.stats.netCharges({ after: null, upTo: null });
    expect(Object.fromEntries(orders.map((order) => [order.orderId, netChargedByOrder[order.orderId]]))).toEqual(
      expectedNet,
    );

    // Pages split at any id are disjoint and together hold every order: the gateway's reconciliation relies on it.
    const ids = Object.keys(netChargedByOrder).sort(); // uuids are ASCII: code-unit order is byte order
    const middle = ids[Math.floor(ids.length / 2)];
    const low = await ledger.stats.netCharges({ after: null, upTo: middle });
    const high = await ledger.stats.netCharges({ after: middle, upTo: null });
    expect(Object.keys(low.netChargedByOrder)).toContain(middle);
    expect(Object.keys(high.netChargedByOrder)).not.toContain(middle);
    expect({ ...low.netChargedByOrder, ...high.netChargedByOrder }).toEqual(netChargedByOrder);
    expect(Object.keys(low.netChargedByOrder).length + Object.keys(high.netChargedByOrder).length).toBe(ids.length);
  });
});
