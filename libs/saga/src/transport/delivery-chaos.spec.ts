import type { JsMsg } from '@nats-io/jetstream';
import { chaosDelivery, deliveryChaosFromEnv } from './delivery-chaos';
import { ACK } from './durable-consumer';

describe('delivery chaos', () => {
  it('reads SAGA_CHAOS_DELIVERY, and nothing when it is unset', () => {
    expect(deliveryChaosFromEnv('duplicates=2,maxDelayMs=150')).toEqual({ duplicates: 2, maxDelayMs: 150 });
    expect(deliveryChaosFromEnv('duplicates=1')).toEqual({ duplicates: 1 });
    expect(deliveryChaosFromEnv('')).toBeUndefined();
    expect(deliveryChaosFromEnv(undefined)).toBeUndefined();
  });

  it.each(['duplicates=-1', 'duplicates=two', 'copies=2', 'duplicates=2;maxDelayMs=1', 'maxDelayMs=1.5'])(
    'refuses %s, so that a mistyped fault stops the boot instead of testing nothing',
    (value) => {
      expect(() => deliveryChaosFromEnv(value)).toThrow(/SAGA_CHAOS_DELIVERY/);
    },
  );

  it('hands a message to its handler 1 + duplicates times and counts the copies', async () => {
    let deliveries = 0;
    let copies = 0;
    const hook = chaosDelivery({ duplicates: 2, maxDelayMs: 5 }, () => copies++);
    const settlement = await hook({} as JsMsg, async () => {
      deliveries++;
      return ACK;
    });
    expect(settlement).toBe(ACK);
    expect(deliveries).toBe(3);
    expect(copies).toBe(2);
  });
});
