import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './env';
import { DEVELOPMENT_NATS_PASSWORDS, loadServiceConfig, SERVICE_NAMES } from './service-config';

describe('SAGA_STREAM_REPLICAS', () => {
  const base = {
    ORDER_PORT: '3001',
    NATS_URL: 'nats://127.0.0.1:4222',
    ORDER_NATS_PASSWORD: 'order-password-of-ours',
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

describe('<SERVICE>_NATS_PASSWORD', () => {
  const base = {
    PAYMENT_PORT: '3004',
    NATS_URL: 'nats://127.0.0.1:4222',
    PAYMENT_NATS_PASSWORD: 'payment-password-of-ours',
    PAYMENT_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/zhongtai_payment',
  };
  const needs = { database: true, redis: false };
  const problemsOf = (source: Record<string, string | undefined>): string[] => {
    try {
      loadServiceConfig('payment', needs, source);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('is the password the service connects with, as the user named after it', () => {
    expect(loadServiceConfig('payment', needs, base).natsPassword).toBe('payment-password-of-ours');
  });

  it.each([
    ['missing', undefined, /^PAYMENT_NATS_PASSWORD is missing/],
    ['a number to the server', '1e5000000000000000', /^PAYMENT_NATS_PASSWORD is invalid/],
    ['short', 'p-short', /^PAYMENT_NATS_PASSWORD is invalid/],
    ['spaced', 'payment password of ours', /^PAYMENT_NATS_PASSWORD is invalid/],
  ])('refuses a password that is %s', (_case, value, problem) => {
    expect(problemsOf({ ...base, PAYMENT_NATS_PASSWORD: value })).toEqual([expect.stringMatching(problem)]);
  });

  it('knows the development values .env.example has', () => {
    const example = Object.fromEntries(
      readFileSync(join(__dirname, '..', '..', '..', '..', '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const service of SERVICE_NAMES) {
      expect(DEVELOPMENT_NATS_PASSWORDS[service]).toBe(example[`${service.toUpperCase()}_NATS_PASSWORD`]);
    }
  });

  it('refuses the development value when NODE_ENV is production, and takes it otherwise', () => {
    const development = { ...base, PAYMENT_NATS_PASSWORD: DEVELOPMENT_NATS_PASSWORDS.payment };
    expect(problemsOf({ ...development, NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^PAYMENT_NATS_PASSWORD is the development value of \.env\.example/),
    ]);
    expect(problemsOf({ ...development, NODE_ENV: 'development' })).toEqual([]);
  });
});
