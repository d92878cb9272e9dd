import { EnvReader } from '@zhongtai/platform';

/** The gateway's own settings, beyond the service defaults. */
export interface GatewayConfig {
  jwtSecret: string;
  jwtTtlSeconds: number;
  operatorEmail: string;
  operatorPassword: string;
  /** Requests per minute one customer may make, and one client address. */
  rateLimitPerCustomer: number;
  rateLimitPerAddress: number;
  idempotencyTtlSeconds: number;
  /** The flash-sale gate in Redis (docs/design.md); off, every attempt goes to PostgreSQL. */
  flashSaleGate: boolean;
  gateReconcileMs: number;
  /** How long a promise waits for its order to settle before it lapses. */
  gatePromiseTtlSeconds: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const config: GatewayConfig = {
    jwtSecret: env.string('JWT_SECRET', { minLength: 32, describe: 'a secret of at least 32 characters' }),
    jwtTtlSeconds: env.int('JWT_TTL_SECONDS', { min: 60, max: 86_400, default: 900 }),
    operatorEmail: env.string('OPERATOR_EMAIL', { pattern: /^[^\s@]+@[^\s@]+$/, describe: 'an email address' }),
    operatorPassword: env.string('OPERATOR_PASSWORD', { minLength: 8, describe: 'at least 8 characters' }),
    rateLimitPerCustomer: env.int('RATE_LIMIT_PER_CUSTOMER', { min: 1, max: 10_000_000, default: 600 }),
    rateLimitPerAddress: env.int('RATE_LIMIT_PER_ADDRESS', { min: 1, max: 10_000_000, default: 1_200 }),
    idempotencyTtlSeconds: env.int('IDEMPOTENCY_TTL_SECONDS', { min: 86_400, max: 30 * 86_400, default: 86_400 }),
    flashSaleGate:
      env.string('FLASH_SALE_GATE', { default: 'on', pattern: /^(on|off)$/, describe: 'on or off' }) === 'on',
    gateReconcileMs: env.int('GATE_RECONCILE_MS', { min: 100, max: 600_000, default: 2_000 }),
    gatePromiseTtlSeconds: env.int('GATE_PROMISE_TTL_SECONDS', { min: 10, max: 3_600, default: 120 }),
  };
  env.done();
  return config;
}
