import { randomUUID } from 'node:crypto';
import type { ProviderPaymentView, ProviderRefundView, ProviderStatement } from '@zhongtai/contracts';
import { MerchantWebhook, ProviderTestKit } from '../testing/provider-test-kit';

type Problem = { code: string; status: number };

describe('the provider simulator: payments, refunds and statements', () => {
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

  const orderId = () => `order-${randomUUID()}`;

  it('creates one payment per merchant order: the same request again answers it, another amount is refused', async () => {
    const merchantOrderId = orderId();
    const first = await provider.createPayment(merchantOrderId, { notifyUrl: webhook.url });
    expect(first).toMatchObject({ status: 'PENDING', amountCents: 1_000, merchantOrderId });
    expect(first.payUrl).toBe(`http://pay.example.test/pay/${first.paymentId}?token=${first.payToken}`);

    const again = await provider.call<ProviderPaymentView>('POST', '/v1/payments', {
      merchantOrderId,
      amountCents: 1_000,
      currency: 'CNY',
      notifyUrl: webhook.url,
      expiresAt: first.expiresAt,
    });
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(first.paymentId);

    const other = await provider.call<Problem>('POST', '/v1/payments', {
      merchantOrderId,
      amountCents: 2_000,
      currency: 'CNY',
      notifyUrl: webhook.url,
      expiresAt: first.expiresAt,
    });
    expect(other).toMatchObject({ status: 409, body: { code: 'MERCHANT_ORDER_CONFLICT' } });
    expect(other.type).toContain('application/problem+json');
  });

  it('refuses the merchant API without the key, and malformed or unknown fields', async () => {
    const payment = await provider.createPayment(orderId(), { notifyUrl: webhook.url });
    for (const key of [null, 'not-the-merchant-key-at-all-000']) {
      const answer = await provider.call<Problem>('GET', `/v1/payments/${payment.paymentId}`, undefined, key);
      expect(answer).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    }
    const invalid = await provider.call<Problem>('POST', '/v1/payments', {
      merchantOrderId: 'has spaces',
      amountCents: -1,
      currency: 'yuan',
      notifyUrl: 'ftp://example',
      expiresAt: 'tomorrow',
      extra: true,
    });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const past = await provider.call<Problem>('POST', '/v1/payments', {
      merchantOrderId: orderId(),
      amountCents: 1,
      currency: 'CNY',
      notifyUrl: webhook.url,
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });
    expect(past).toMatchObject({ status: 400, body: { code: 'INVALID_EXPIRY' } });
  });

  it('is found by id and by merchant order (the back-check), and unknown ones are 404', async () => {
    const merchantOrderId = orderId();
    const payment = await provider.createPayment(merchantOrderId, { notifyUrl: webhook.url });
    const byId = await provider.call<ProviderPaymentView>('GET', `/v1/payments/${payment.paymentId}`);
    const byOrder = await provider.call<ProviderPaymentView>('GET', `/v1/payments?merchantOrderId=${merchantOrderId}`);
    expect(byId.body).toEqual(byOrder.body);
    expect(byId.body).not.toHaveProperty('payToken');
    expect((await provider.call<Problem>('GET', `/v1/payments/${randomUUID()}`)).body.code).toBe('PAYMENT_NOT_FOUND');
    expect((await provider.call<Problem>('GET', `/v1/payments?merchantOrderId=${orderId()}`)).status).toBe(404);
  });

  it('fails the lookup of the merchant orders a test names (503), and only theirs, until told otherwise', async () => {
    const [failing, other] = [orderId(), orderId()];
    const payment = await provider.createPayment(failing, { notifyUrl: webhook.url });
    await provider.createPayment(other, { notifyUrl: webhook.url });
    expect((await provider.failQueries([failing])).status).toBe(200);

    const refused = await provider.call<Problem>('GET', `/v1/payments?merchantOrderId=${failing}`);
    expect(refused).toMatchObject({ status: 503, body: { code: 'PROVIDER_UNAVAILABLE' } });
    expect(refused.type).toContain('application/problem+json');
    expect((await provider.call('GET', `/v1/payments?merchantOrderId=${other}`)).status).toBe(200);
    expect((await provider.call('GET', `/v1/payments/${payment.paymentId}`)).status).toBe(200);

    await provider.failQueries([]);
    expect((await provider.call('GET', `/v1/payments?merchantOrderId=${failing}`)).status).toBe(200);
    const invalid = await provider.call<Problem>('POST', '/v1/testing/query-faults', { failing: ['has spaces'] });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('lets the customer pay once with the pay token; a wrong token, a closed or a declined payment is refused', async () => {
    const paid = await provider.createPayment(orderId(), { notifyUrl: webhook.url });
    const wrong = await provider.call<Problem>(
      'POST',
      `/v1/payments/${paid.paymentId}/pay`,
      { payToken: 'guess' },
      null,
    );
    expect(wrong).toMatchObject({ status: 403, body: { code: 'INVALID_PAY_TOKEN' } });
    expect((await provider.pay(paid)).body).toMatchObject({ status: 'SUCCEEDED' });
    expect((await provider.pay(paid)).status).toBe(200);
    expect((await provider.pay(paid, 'fail')).body).toMatchObject({ code: 'PAYMENT_NOT_PAYABLE' });
    const close = await provider.call<Problem>('POST', `/v1/payments/${paid.paymentId}/close`);
    expect(close).toMatchObject({ status: 409, body: { code: 'PAYMENT_ALREADY_PAID' } });

    const closed = await provider.createPayment(orderId(), { notifyUrl: webhook.url });
    const closing = await provider.call<ProviderPaymentView>('POST', `/v1/payments/${closed.paymentId}/close`);
    expect(closing.body).toMatchObject({ status: 'CLOSED' });
    expect((await provider.call('POST', `/v1/payments/${closed.paymentId}/close`)).status).toBe(200);
    expect((await provider.pay(closed)).body).toMatchObject({ code: 'PAYMENT_NOT_PAYABLE' });

    const declined = await provider.createPayment(orderId(), { notifyUrl: webhook.url });
    expect((await provider.pay(declined, 'fail')).body).toMatchObject({ status: 'FAILED' });
    expect((await provider.pay(declined)).status).toBe(409);
  });

  it('closes a payment that the customer tries to pay after its expiry', async () => {
    const payment = await provider.createPayment(orderId(), { notifyUrl: webhook.url, windowMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await provider.pay(payment)).body).toMatchObject({ code: 'PAYMENT_EXPIRED' });
    const after = await provider.call<ProviderPaymentView>('GET', `/v1/payments/${payment.paymentId}`);
    expect(after.body.status).toBe('CLOSED');
  });

  it('refunds once per refund id, never more than was paid, and lists the day in its statement', async () => {
    const payment = await provider.createPayment(orderId(), { notifyUrl: webhook.url, amountCents: 5_000 });
    const early = await provider.call<Problem>('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId: 'r-early',
    });
    expect(early).toMatchObject({ status: 409, body: { code: 'PAYMENT_NOT_REFUNDABLE' } });
    await provider.pay(payment);

    const refundId = `refund-${randomUUID()}`;
    const part = await provider.call<ProviderRefundView>('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId,
      amountCents: 2_000,
    });
    expect(part).toMatchObject({ status: 201, body: { refundId, amountCents: 2_000 } });
    const replay = await provider.call('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId,
      amountCents: 2_000,
    });
    expect(replay).toMatchObject({ status: 200, body: part.body });
    const beyond = await provider.call<Problem>('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId: `refund-${randomUUID()}`,
      amountCents: 3_001,
    });
    expect(beyond.body.code).toBe('REFUND_EXCEEDS_PAYMENT');
    const rest = await provider.call<ProviderRefundView>('POST', `/v1/payments/${payment.paymentId}/refunds`, {
      refundId: `refund-${randomUUID()}`,
    });
    expect(rest.body.amountCents).toBe(3_000);
    const view = await provider.call<ProviderPaymentView>('GET', `/v1/payments/${payment.paymentId}`);
    expect(view.body).toMatchObject({ status: 'REFUNDED', refundedCents: 5_000 });

    const today = new Date().toISOString().slice(0, 10);
    const statement = await provider.call<ProviderStatement>('GET', `/v1/statements/${today}`);
    expect(statement.body.successes).toContainEqual(
      expect.objectContaining({ paymentId: payment.paymentId, amountCents: 5_000 }),
    );
    expect(statement.body.refunds.filter((r) => r.paymentId === payment.paymentId).map((r) => r.amountCents)).toEqual([
      2_000, 3_000,
    ]);
    expect((await provider.call<ProviderStatement>('GET', '/v1/statements/2001-01-01')).body).toEqual({
      date: '2001-01-01',
      successes: [],
      refunds: [],
    });
    expect((await provider.call<Problem>('GET', '/v1/statements/2026-02-30')).status).toBe(400);
  });
});
