import { randomBytes, randomUUID } from 'node:crypto';
import { SERVICE_NAMES } from '@zhongtai/platform';
import { suitePlatform } from '../support/suite-platform';
import type { Customer, OrderBody } from '../support/storefront';
import { OtlpReceiver, ReceivedSpan } from './otlp-receiver';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

/**
 * One checkout followed across every hop by its trace: the platform exports to an OTLP/HTTP
 * receiver in this process, and the test starts the trace itself (its traceparent on the
 * request), so the trace id to look for is known before the first span is sent.
 */
describe('a checkout traced from the gateway to its last confirmation', () => {
  const sharedEnv: Record<string, string> = {};
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    sharedEnv.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    // Batches leave every 200 ms instead of 5 s, so the test's wait is short.
    sharedEnv.OTEL_BSP_SCHEDULE_DELAY = '200';
  });
  afterAll(() => receiver?.stop());
  const suite = suitePlatform({ sharedEnv });
  let tea: string;
  let checkoutTrace: string | undefined;

  beforeAll(async () => {
    tea = await suite.shop.productWithStock(100, 1_000);
  }, 60_000);

  it('is one trace with spans of all five services, each NATS hop parented by the span that sent it', async () => {
    const customer = await suite.shop.customerWithWallet(100_000);
    const coupon = await suite.shop.coupon({ kind: 'FIXED', value: 100 });
    const { traceId, requestSpan, response } = await tracedCheckout(customer, {
      items: [{ sku: tea, quantity: 1 }],
      couponCode: coupon,
    });
    expect(response.body).toMatchObject({ status: 'PAID' });

    const allServices = (all: ReceivedSpan[]) => new Set(all.map((span) => span.service)).size === SERVICE_NAMES.length;
    // The gateway's request span ends last of all, once the answer is sent: its batch may come
    // after every other one.
    const gatewayRequest = (all: ReceivedSpan[]) =>
      all.some((span) => span.service === 'gateway' && span.kind === SERVER);
    // The answer comes at the pivot; the confirmation and the redemption follow it, and the
    // participant's span that a reply hangs from may come in a later batch than the reply's.
    const everyStepReplied = (all: ReceivedSpan[]) => {
      const ids = new Set(all.map((span) => span.spanId));
      const applied = all.filter(isParticipantReplyApplied);
      return applied.length >= 5 && applied.every((span) => span.parentSpanId && ids.has(span.parentSpanId));
    };
    const spans = await spansOf(traceId, (all) => allServices(all) && everyStepReplied(all) && gatewayRequest(all));
    checkoutTrace = traceId;
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(SERVICE_NAMES));
    const instrumented = (service: string, system: string) =>
      spans.some((span) => span.service === service && span.attributes['db.system.name'] === system);
    expect(spans.find((span) => span.service === 'gateway' && span.kind === SERVER)).toMatchObject({
      name: 'POST /checkout',
      parentSpanId: requestSpan,
    });
    expect(spans.some((span) => span.service === 'gateway' && span.attributes['express.type'] !== undefined)).toBe(
      true,
    );
    expect(instrumented('gateway', 'redis')).toBe(true);
    for (const service of ['order', 'inventory', 'coupon', 'payment'])
      expect(instrumented(service, 'postgresql')).toBe(true);
    // Statements are named prepared statements (libs/platform's PreparingClient): the span has the name.
    expect(spans.some((span) => span.service === 'order' && span.name.startsWith('pg.query:'))).toBe(true);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);

    const rpc = spans.find((span) => span.service === 'order' && span.kind === SERVER && span.name.startsWith('rpc '));
    expect(rpc).toBeDefined();
    expect(parentOf(rpc!)).toMatchObject({ service: 'gateway', kind: CLIENT, name: rpc!.name });

    for (const participant of ['inventory', 'coupon', 'payment']) {
      const handled = spans.filter(
        (s) => s.service === participant && s.kind === CONSUMER && s.name.startsWith('saga.handle '),
      );
      expect(handled.length).toBeGreaterThan(0);
      for (const span of handled) {
        expect(span.attributes).toMatchObject({
          'saga.type': 'checkout',
          'saga.phase': 'action',
          'saga.outcome': 'acked',
        });
        expect(parentOf(span)).toMatchObject({ service: 'order', name: 'saga.outbox publish' });
      }
      const claims = spans.filter((s) => s.service === participant && s.name === 'saga.barrier claim');
      expect(claims.map((claim) => claim.attributes['saga.outcome'])).toEqual(handled.map(() => 'claimed'));
    }
    const applied = spans.filter(isParticipantReplyApplied);
    for (const span of applied) {
      expect(['inventory', 'coupon', 'payment']).toContain(parentOf(span)?.service);
      expect(span.attributes['saga.type']).toBe('checkout');
    }
    const sagaIds = new Set(
      spans.filter((s) => s.attributes['saga.id'] !== undefined).map((s) => s.attributes['saga.id']),
    );
    expect(sagaIds).toEqual(new Set([response.body.id]));
    const saga = await suite.shop.call<{ traceId: string }>('GET', `/admin/sagas/${response.body.id}`, {
      token: await suite.shop.operator(),
    });
    expect(saga.body.traceId).toBe(traceId);
    const dispatches = spans.filter((s) => s.name.startsWith('saga.dispatch action '));
    expect(dispatches.every((s) => s.attributes['saga.type'] === 'checkout' && s.attributes['saga.step_name'])).toBe(
      true,
    );
  }, 60_000);

  it('shows a refused checkout’s compensation as spans of the participants that undo their step', async () => {
    const poor = await suite.shop.customerWithWallet(100);
    const { traceId, response } = await tracedCheckout(poor, { items: [{ sku: tea, quantity: 5 }] });
    expect(response.body).toMatchObject({ status: 'CANCELLED', failureReason: 'INSUFFICIENT_FUNDS' });

    const isCompensation = (span: ReceivedSpan) => span.name.startsWith('saga.compensate ');
    const spans = await spansOf(traceId, (all) => all.some(isCompensation));
    const compensation = spans.find(isCompensation)!;
    expect(compensation).toMatchObject({ service: 'inventory', kind: CONSUMER });
    expect(compensation.attributes).toMatchObject({ 'saga.phase': 'compensation', 'saga.id': response.body.id });
    expect(spans.some((s) => s.service === 'order' && s.name.startsWith('saga.dispatch compensation '))).toBe(true);
    const claim = spans.find((s) => s.name === 'saga.barrier claim' && s.attributes['saga.phase'] === 'compensation');
    expect(claim).toMatchObject({ service: 'inventory', attributes: { 'saga.outcome': 'claimed' } });
  }, 60_000);

  it('writes the trace and span ids into the log lines of a traced request', () => {
    const lines = suite.platform.service('gateway').logs.filter((line) => line.trace_id === checkoutTrace);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0].span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  async function tracedCheckout(customer: Customer, body: unknown) {
    const traceId = randomBytes(16).toString('hex');
    const requestSpan = randomBytes(8).toString('hex');
    const response = await suite.shop.call<OrderBody>('POST', '/checkout', {
      token: customer.token,
      body,
      headers: {
        'idempotency-key': randomUUID(),
        prefer: 'wait=30',
        traceparent: `00-${traceId}-${requestSpan}-01`,
      },
    });
    expect(response.status).toBe(201);
    return { traceId, requestSpan, response };
  }

  /** The spans of one trace once `complete` holds of them (batches arrive every 200 ms, in any order). */
  async function spansOf(traceId: string, complete: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const spans = receiver.trace(traceId);
      if (complete(spans)) return spans;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return receiver.trace(traceId);
  }
});

function isParticipantReplyApplied(span: ReceivedSpan): boolean {
  return span.service === 'order' && span.kind === CONSUMER && span.name.startsWith('saga.apply-reply ');
}
