import { readFileSync } from 'node:fs';
import { ConfigError, DEFAULT_INTERNAL_PORT, loadServiceConfig } from '@zhongtai/platform';
import { DEVELOPMENT_SECRETS, loadGatewayConfig } from './gateway.config';

/** The variables of .env.example. */
function example(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync('.env.example', 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

const OWN = {
  JWT_SECRET: 'a-production-secret-of-more-than-32-characters',
  OPERATOR_EMAIL: 'ops@shop.example',
  OPERATOR_PASSWORD: 'a-long-operator-password',
};
function problems(source: Record<string, string | undefined>): string[] {
  try {
    loadGatewayConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadGatewayConfig', () => {
  it('has the documented defaults for the hardening settings', () => {
    const config = loadGatewayConfig(OWN);
    expect(config).toMatchObject({
      jwtIssuer: 'zhongtai',
      trustedProxies: [],
      corsOrigins: [],
      bodyLimitBytes: 64 * 1024,
      loginFailuresPerAccount: 5,
    });
  });

  it('reads .env.example as it is (empty lists are empty)', () => {
    expect(loadGatewayConfig(example())).toMatchObject({
      jwtIssuer: 'zhongtai',
      trustedProxies: [],
      corsOrigins: [],
      bodyLimitBytes: 65_536,
      loginFailuresPerAccount: 5,
    });
  });

  it('reads comma-separated proxies (IPs and CIDRs) and origins', () => {
    const config = loadGatewayConfig({
      ...OWN,
      TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,::1,fd00::/8',
      CORS_ORIGINS: 'https://shop.example, http://localhost:5173',
      JWT_ISSUER: 'https://auth.shop.example',
      BODY_LIMIT_BYTES: '2048',
      LOGIN_FAILURES_PER_ACCOUNT: '3',
    });
    expect(config).toMatchObject({
      trustedProxies: ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8'],
      corsOrigins: ['https://shop.example', 'http://localhost:5173'],
      jwtIssuer: 'https://auth.shop.example',
      bodyLimitBytes: 2048,
      loginFailuresPerAccount: 3,
    });
  });

  it.each([
    ['TRUSTED_PROXIES', 'proxy.internal'],
    ['TRUSTED_PROXIES', '10.0.0.0/33'],
    ['TRUSTED_PROXIES', '10.0.0.1/8/1'],
    ['TRUSTED_PROXIES', 'fd00::/129'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'https://shop.example/'],
    ['CORS_ORIGINS', 'https://shop.example/path'],
    ['CORS_ORIGINS', 'shop.example'],
    ['CORS_ORIGINS', 'ftp://shop.example'],
    ['BODY_LIMIT_BYTES', '10'],
    ['LOGIN_FAILURES_PER_ACCOUNT', '0'],
    ['JWT_ISSUER', 'has spaces'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const found = problems({ ...OWN, [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name} is invalid`));
  });
});

describe('NODE_ENV=production and the development values of .env.example', () => {
  it('knows the values .env.example has', () => {
    const values = example();
    expect(DEVELOPMENT_SECRETS.JWT_SECRET).toBe(values.JWT_SECRET);
    expect(DEVELOPMENT_SECRETS.OPERATOR_PASSWORD).toBe(values.OPERATOR_PASSWORD);
  });

  it('refuses the development JWT secret, naming JWT_SECRET', () => {
    const found = problems({ ...OWN, NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_SECRETS.JWT_SECRET });
    expect(found).toEqual([expect.stringMatching(/^JWT_SECRET is the development value of \.env\.example/)]);
  });

  it('refuses the development operator password, naming OPERATOR_PASSWORD', () => {
    const found = problems({
      ...OWN,
      NODE_ENV: 'production',
      OPERATOR_PASSWORD: DEVELOPMENT_SECRETS.OPERATOR_PASSWORD,
    });
    expect(found).toEqual([expect.stringMatching(/^OPERATOR_PASSWORD is the development value of \.env\.example/)]);
  });

  it('names both at once with the whole of .env.example in production', () => {
    const found = problems({ ...example(), NODE_ENV: 'production' });
    expect(found).toEqual([
      expect.stringMatching(/^JWT_SECRET is the development value/),
      expect.stringMatching(/^OPERATOR_PASSWORD is the development value/),
    ]);
  });

  it('accepts them outside production, and accepts values of its own in production', () => {
    expect(problems({ ...example(), NODE_ENV: 'development' })).toEqual([]);
    expect(problems({ ...example(), NODE_ENV: 'test' })).toEqual([]);
    expect(problems({ ...OWN, NODE_ENV: 'production' })).toEqual([]);
  });
});

describe('GATEWAY_INTERNAL_PORT', () => {
  const base = {
    GATEWAY_PORT: '3000',
    NATS_URL: 'nats://127.0.0.1:4222',
    REDIS_URL: 'redis://127.0.0.1:6379',
    GATEWAY_NATS_PASSWORD: 'gateway-password-of-this-test',
  };
  const needs = { database: false, redis: true, internalPort: true };

  it('defaults to 9464 and is read only by a service with an internal listener', () => {
    expect(DEFAULT_INTERNAL_PORT).toBe(9464);
    expect(loadServiceConfig('gateway', needs, base).internalHttpPort).toBe(9464);
    expect(loadServiceConfig('gateway', needs, { ...base, GATEWAY_INTERNAL_PORT: '9100' }).internalHttpPort).toBe(9100);
    expect(loadServiceConfig('gateway', { database: false, redis: true }, base).internalHttpPort).toBeUndefined();
  });

  it('must differ from GATEWAY_PORT', () => {
    expect(() => loadServiceConfig('gateway', needs, { ...base, GATEWAY_INTERNAL_PORT: '3000' })).toThrow(
      /GATEWAY_INTERNAL_PORT is invalid: it must differ from GATEWAY_PORT/,
    );
  });
});
