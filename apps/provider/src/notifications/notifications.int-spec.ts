import { randomUUID } from 'node:crypto';
import type { CreatedProviderPayment } from '@zhongtai/contracts';
import { eventually } from '../../../../test/support/infrastructure';
import { MerchantWebhook, ProviderTestKit } from '../testing/provider-test-kit';
import type { NotificationDelivery } from '../testing/testing.controller';

describe('the provider simulator: notifications', () => {
  let provider: ProviderTestKit;
  const webhook = new MerchantWebhook();

  beforeAll(async () => {
    await webhook.start();
    provider = await ProviderTestKit.open();
  }, 60_000);
  afterAll(async () => {
    await provider?.close();
    await webhook.stop();
  });
  afterEach(async () => {
    webhook.status = () => 200;
    await provider.setFaults({});
  });

  const newPayment = (amountCents = 1_000) =>
    provider.createPayment(`order-${randomUUID()}`, { notifyUrl: webhook.url, amountCents });
  const deliveries = async (payment: CreatedProviderPayment) =>
    (
      await provider.call<{ items: NotificationDelivery[] }>(
        'GET',
        `/v1/testing/notifications?paymentId=${payment.paymentId}`,
      )
    ).body.items;
  const received = (payment: CreatedProviderPayment, count: number) =>
    eventually(
      async () => (webhook.of(payment.paymentId).length >= count ? webhook.of(payment.paymentId) : undefined),
      {
        what: `${count} notification(s) of ${payment.paymentId}`,
      },
    );

  it('notifies a payment, signed over its raw body with a timestamp and a nonce', async () => {
    const payment = await newPayment(1_234);
    await provider.pay(payment);
    const [delivery] = await received(payment, 1);
    expect(delivery.signed).toBe(true);
    expect(delivery.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(Math.abs(Number(delivery.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(delivery.notification).toEqual({
      notificationId: expect.any(String),
      paymentId: payment.paymentId,
      merchantOrderId: payment.merchantOrderId,
      status: 'SUCCEEDED',
      amountCents: 1_234,
      occurredAt: expect.any(String),
    });
  });

  it('notifies a declined payment and each refund', async () => {
    const declined = await newPayment();
    await provider.pay(declined, 'fail');
    expect((await received(declined, 1))[0].notification.status).toBe('FAILED');

    const refunded = await newPayment(900);
    await provider.pay(refunded);
    await provider.call('POST', `/v1/payments/${refunded.paymentId}/refunds`, { refundId: `r-${randomUUID()}` });
    const both = await received(refunded, 2);
    expect(both.map((r) => [r.notification.status, r.notification.amountCents]).sort()).toEqual([
      ['REFUNDED', 900],
      ['SUCCEEDED', 900],
    ]);
  });

  it('retries with backoff until the merchant answers 2xx, keeping the notification id', async () => {
    let refusals = 3;
    webhook.status = () => (refusals-- > 0 ? 503 : 200);
    const payment = await newPayment();
    await provider.pay(payment);
    const [delivery] = await received(payment, 1);
    const [row] = await eventually(async () => {
      const rows = await deliveries(payment);
      return rows[0]?.deliveredAt ? rows : undefined;
    });
    expect(row).toMatchObject({ notificationId: delivery.notification.notificationId, attempts: 4, failures: 3 });
  });

  it('keeps what it owes across its own restart and the merchant being away', async () => {
    await webhook.stop();
    const payment = await newPayment();
    await provider.pay(payment);
    await eventually(async () => ((await deliveries(payment))[0]?.failures > 0 ? true : undefined));
    await provider.stop();
    await webhook.start();
    await provider.start();
    const [delivery] = await received(payment, 1);
    expect(delivery.notification.paymentId).toBe(payment.paymentId);
  });

  it('duplicates a delivered notification when told to, with a fresh nonce', async () => {
    await provider.setFaults({ duplicate: 1 });
    const payment = await newPayment();
    await provider.pay(payment);
    const [first, second] = await received(payment, 2);
    expect(second.notification).toEqual(first.notification);
    expect(second.nonce).not.toBe(first.nonce);
    expect([first.signed, second.signed]).toEqual([true, true]);
  });

  it('never sends a dropped notification', async () => {
    await provider.setFaults({ drop: 1 });
    const payment = await newPayment();
    await provider.pay(payment);
    await eventually(async () => ((await deliveries(payment))[0]?.droppedAt ? true : undefined));
    const marker = await newPayment();
    await provider.setFaults({});
    await provider.pay(marker);
    await received(marker, 1);
    expect(webhook.of(payment.paymentId)).toEqual([]);
  });

  it('holds a notification back so that a later one overtakes it (reorder), and delays new ones (delayMs)', async () => {
    await provider.setFaults({ reorder: 1, delayMs: 1_500 });
    const early = await newPayment();
    await provider.pay(early);
    const startedAt = Date.now();
    await eventually(async () => ((await deliveries(early))[0]?.heldBack ? true : undefined), { timeoutMs: 15_000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
    await provider.setFaults({});
    const late = await newPayment();
    await provider.pay(late);
    await received(late, 1);
    await received(early, 1);
    const order = webhook.received.map((r) => r.notification.paymentId);
    expect(order.indexOf(late.paymentId)).toBeLessThan(order.indexOf(early.paymentId));
  });

  it('refuses faults out of range', async () => {
    const answer = await provider.call<{ code: string }>('POST', '/v1/testing/notification-faults', { drop: 2 });
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
