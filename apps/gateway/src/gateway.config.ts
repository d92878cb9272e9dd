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
  };
  env.done();
  return config;
}
