import { EnvReader } from '@zhongtai/platform';

/**
 * How the payment service reaches the provider, from the environment. Without
 * PAYMENT_PROVIDER_URL there is no provider: orders paid there are declined, the wallet works.
 */
export interface ProviderSettings {
  url: string;
  apiKey: string;
  /** The secret the provider signs its notifications with. */
  notifySecret: string;
  /** The platform's public webhook (the gateway's), where the provider posts notifications. */
  notifyUrl: string;
  /** A notification whose timestamp is further than this from now is refused as stale. */
  notifyToleranceMs: number;
  /** How often the back-check runs, and how long a payment waits without news before it is asked about. */
  backCheckEveryMs: number;
  backCheckAfterMs: number;
  requestTimeoutMs: number;
  /** How often yesterday's and today's statements are reconciled. */
  reconcileEveryMs: number;
}

export const PROVIDER_SETTINGS = Symbol('PROVIDER_SETTINGS');

export function readProviderSettings(
  source: Record<string, string | undefined> = process.env,
): ProviderSettings | null {
  if (!source.PAYMENT_PROVIDER_URL) return null;
  const env = new EnvReader(source);
  const settings: ProviderSettings = {
    url: env.url('PAYMENT_PROVIDER_URL', ['http:', 'https:']).replace(/\/$/, ''),
    apiKey: env.string('PAYMENT_PROVIDER_API_KEY', { minLength: 24 }),
    notifySecret: env.string('PAYMENT_PROVIDER_NOTIFY_SECRET', { minLength: 32 }),
    notifyUrl: env.url('PAYMENT_PROVIDER_NOTIFY_URL', ['http:', 'https:']),
    notifyToleranceMs: env.int('PAYMENT_PROVIDER_NOTIFY_TOLERANCE_S', { min: 1, max: 3600, default: 300 }) * 1000,
    backCheckEveryMs: env.int('PAYMENT_BACK_CHECK_EVERY_MS', { min: 50, max: 3_600_000, default: 10_000 }),
    backCheckAfterMs: env.int('PAYMENT_BACK_CHECK_AFTER_MS', { min: 0, max: 3_600_000, default: 30_000 }),
    requestTimeoutMs: env.int('PAYMENT_PROVIDER_TIMEOUT_MS', { min: 100, max: 60_000, default: 5_000 }),
    reconcileEveryMs: env.int('PAYMENT_RECONCILE_EVERY_MS', { min: 1_000, max: 86_400_000, default: 3_600_000 }),
  };
  env.done();
  return settings;
}
