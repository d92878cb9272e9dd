import { EnvReader } from '@zhongtai/platform';
import { isIP } from 'node:net';

/** The gateway's own settings, beyond the service defaults. */
export interface GatewayConfig {
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** The `iss` of every access token, checked on verification (the `aud` is the account's role). */
  jwtIssuer: string;
  operatorEmail: string;
  operatorPassword: string;
  /** Requests per minute one customer may make, and one client address. */
  rateLimitPerCustomer: number;
  rateLimitPerAddress: number;
  /** Peers (IPs or CIDRs) whose X-Forwarded-For names the client address; empty: the socket address. */
  trustedProxies: string[];
  /** Origins that browsers may call the API from (CORS); empty: none. */
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Failed logins one email may have within LOGIN_THROTTLE_WINDOW_SECONDS before logins are refused. */
  loginFailuresPerAccount: number;
  idempotencyTtlSeconds: number;
  /** The flash-sale gate in Redis (docs/design.md); off, every attempt goes to PostgreSQL. */
  flashSaleGate: boolean;
  gateReconcileMs: number;
  /** How long a promise waits for its order to settle before it lapses. */
  gatePromiseTtlSeconds: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The window of the per-account login throttle. */
export const LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60;

/**
 * The development values of .env.example (gateway.config.spec.ts checks that they still are):
 * a process with NODE_ENV=production refuses to start with them.
 */
export const DEVELOPMENT_SECRETS = {
  JWT_SECRET: 'development-only-secret-change-me-0123456789',
  OPERATOR_PASSWORD: 'operator',
} as const;

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const config: GatewayConfig = {
    jwtSecret: env.string('JWT_SECRET', { minLength: 32, describe: 'a secret of at least 32 characters' }),
    jwtTtlSeconds: env.int('JWT_TTL_SECONDS', { min: 60, max: 86_400, default: 900 }),
    jwtIssuer: env.string('JWT_ISSUER', {
      default: 'zhongtai',
      pattern: /^[\x21-\x7e]{1,200}$/,
      describe: '1 to 200 printable characters without spaces',
    }),
    operatorEmail: env.string('OPERATOR_EMAIL', { pattern: /^[^\s@]+@[^\s@]+$/, describe: 'an email address' }),
    operatorPassword: env.string('OPERATOR_PASSWORD', { minLength: 8, describe: 'at least 8 characters' }),
    rateLimitPerCustomer: env.int('RATE_LIMIT_PER_CUSTOMER', { min: 1, max: 10_000_000, default: 600 }),
    rateLimitPerAddress: env.int('RATE_LIMIT_PER_ADDRESS', { min: 1, max: 10_000_000, default: 1_200 }),
    trustedProxies: env.list('TRUSTED_PROXIES', { valid: isAddressOrRange, describe: 'IP addresses or CIDR ranges' }),
    corsOrigins: env.list('CORS_ORIGINS', { valid: isOrigin, describe: 'origins such as https://shop.example' }),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', { min: 1_024, max: 10 * 1_024 * 1_024, default: 64 * 1_024 }),
    loginFailuresPerAccount: env.int('LOGIN_FAILURES_PER_ACCOUNT', { min: 1, max: 1_000, default: 5 }),
    idempotencyTtlSeconds: env.int('IDEMPOTENCY_TTL_SECONDS', { min: 86_400, max: 30 * 86_400, default: 86_400 }),
    flashSaleGate:
      env.string('FLASH_SALE_GATE', { default: 'on', pattern: /^(on|off)$/, describe: 'on or off' }) === 'on',
    gateReconcileMs: env.int('GATE_RECONCILE_MS', { min: 100, max: 600_000, default: 2_000 }),
    gatePromiseTtlSeconds: env.int('GATE_PROMISE_TTL_SECONDS', { min: 10, max: 3_600, default: 120 }),
  };
  if (source.NODE_ENV === 'production') {
    for (const [name, value] of Object.entries(DEVELOPMENT_SECRETS)) {
      if (source[name] === value) {
        env.reject(
          name,
          'is the development value of .env.example: set a value of your own when NODE_ENV is production',
        );
      }
    }
  }
  env.done();
  return config;
}

/** An IPv4 or IPv6 address, or a CIDR range of one (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrRange(item: string): boolean {
  const [address, bits, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** An origin exactly as a browser sends it: scheme, host and port if not the default, no path. */
export function isOrigin(item: string): boolean {
  try {
    const url = new URL(item);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item;
  } catch {
    return false;
  }
}
