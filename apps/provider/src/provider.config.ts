import { EnvReader } from '@zhongtai/platform';

/** The simulator's settings, read once at boot; every problem is named before it refuses to start. */
export interface ProviderConfig {
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  /** The origin customers reach the pay page on: the base of every payUrl. */
  publicUrl: string;
  /** The one merchant's API key (Bearer) for everything but paying. */
  merchantApiKey: string;
  /** The secret notifications are signed with, shared with the merchant. */
  notifySecret: string;
  notifications: NotificationSettings;
}

export interface NotificationSettings {
  /** How often the sender looks for notifications due. */
  pollMs: number;
  /** The wait after the first failed delivery; doubled after each further one. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
}

export function loadProviderConfig(source: Record<string, string | undefined> = process.env): ProviderConfig {
  const env = new EnvReader(source);
  const port = env.int('PROVIDER_PORT', { min: 0, max: 65535 });
  const config: ProviderConfig = {
    port,
    databaseUrl: env.url('PROVIDER_DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: env.int('DATABASE_POOL_SIZE', { min: 1, max: 200, default: 10 }),
    publicUrl: env.url('PROVIDER_PUBLIC_URL', ['http:', 'https:'], `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    merchantApiKey: env.string('PROVIDER_MERCHANT_API_KEY', { minLength: 24 }),
    notifySecret: env.string('PROVIDER_NOTIFY_SECRET', { minLength: 32 }),
    notifications: {
      pollMs: env.int('PROVIDER_NOTIFY_POLL_MS', { min: 10, max: 60_000, default: 200 }),
      backoffMs: env.int('PROVIDER_NOTIFY_BACKOFF_MS', { min: 10, max: 600_000, default: 1_000 }),
      maxBackoffMs: env.int('PROVIDER_NOTIFY_MAX_BACKOFF_MS', { min: 10, max: 86_400_000, default: 600_000 }),
      timeoutMs: env.int('PROVIDER_NOTIFY_TIMEOUT_MS', { min: 100, max: 60_000, default: 5_000 }),
    },
  };
  if (config.notifications.maxBackoffMs < config.notifications.backoffMs) {
    env.reject('PROVIDER_NOTIFY_MAX_BACKOFF_MS', 'must not be below PROVIDER_NOTIFY_BACKOFF_MS');
  }
  env.done();
  return config;
}
