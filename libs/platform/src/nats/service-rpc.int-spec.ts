import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { SHARED, uniqueName } from '../../../../test/support/infrastructure';
import { ProblemException } from '../http/problem';
import { ServiceRpcClient } from './service-rpc';

/** A service answering in Nest's packet format, as ServiceRpcServer does. */
function serve(nats: NatsConnection, subject: string, answer: (data: unknown) => Record<string, unknown>) {
  return nats.subscribe(subject, {
    callback: (_error, message) => {
      const packet = message.json<{ id: string; data: unknown }>();
      message.respond(JSON.stringify({ id: packet.id, ...answer(packet.data), isDisposed: true }));
    },
  });
}

const problemOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof ProblemException ? error.getResponse() : error),
  );

describe('ServiceRpcClient', () => {
  const prefix = uniqueName('rpc').replace(/_/g, '-');
  let nats: NatsConnection;
  let client: ServiceRpcClient;

  beforeAll(async () => {
    nats = await connect({ servers: SHARED.nats, noAsyncTraces: true });
    client = new ServiceRpcClient(prefix, nats);
  });
  afterAll(() => nats.close());

  it('sends the payload under the prefix and returns the response', async () => {
    const subscription = serve(nats, `${prefix}.inventory.echo`, (data) => ({ response: { echoed: data } }));
    try {
      expect(await client.request('inventory.echo', { sku: 'TEA' })).toEqual({ echoed: { sku: 'TEA' } });
    } finally {
      subscription.unsubscribe();
    }
  });

  it('passes a client error on unchanged and turns any other into 502 UPSTREAM_FAILED', async () => {
    const refusing = serve(nats, `${prefix}.order.refuse`, () => ({
      err: { status: 409, code: 'SKU_EXISTS', detail: 'taken' },
    }));
    const failing = serve(nats, `${prefix}.order.fail`, () => ({ err: { status: 500, code: 'INTERNAL' } }));
    try {
      expect(await problemOf(client.request('order.refuse', {}))).toMatchObject({ status: 409, code: 'SKU_EXISTS' });
      expect(await problemOf(client.request('order.fail', {}))).toMatchObject({ status: 502, code: 'UPSTREAM_FAILED' });
    } finally {
      refusing.unsubscribe();
      failing.unsubscribe();
    }
  });

  it('waits for a service that starts listening within the timeout, else answers 504 UPSTREAM_TIMEOUT', async () => {
    const started = Date.now();
    expect(await problemOf(client.request('coupon.nobody', {}, 400))).toMatchObject({
      status: 504,
      code: 'UPSTREAM_TIMEOUT',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    const late = client.request('coupon.late', { n: 1 }, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const subscription = serve(nats, `${prefix}.coupon.late`, () => ({ response: 'answered' }));
    try {
      expect(await late).toBe('answered');
    } finally {
      subscription.unsubscribe();
    }
  });
});
