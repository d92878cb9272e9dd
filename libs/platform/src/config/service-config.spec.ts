import { ConfigError } from './env';
import { loadServiceConfig } from './service-config';

describe('SAGA_STREAM_REPLICAS', () => {
  const base = {
    ORDER_PORT: '3001',
    NATS_URL: 'nats://127.0.0.1:4222',
    ORDER_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/zhongtai_order',
  };
  const needs = { database: true, redis: false };

  it('is 1 unless told, as on one NATS server', () => {
    expect(loadServiceConfig('order', needs, base).sagaStreamReplicas).toBe(1);
  });

  it('takes 3 for a three-node JetStream cluster, and refuses what JetStream cannot do', () => {
    expect(loadServiceConfig('order', needs, { ...base, SAGA_STREAM_REPLICAS: '3' }).sagaStreamReplicas).toBe(3);
    for (const wrong of ['0', '6', 'three']) {
      expect(() => loadServiceConfig('order', needs, { ...base, SAGA_STREAM_REPLICAS: wrong })).toThrow(ConfigError);
    }
  });
});
