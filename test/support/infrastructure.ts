import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { DatabaseDefinition } from '@zhongtai/platform';
import { dropDatabase, ensureDatabase, migrate } from '../../scripts/lib/databases';

/** The shared servers of the machine; tests isolate themselves by names, never by servers. */
export const SHARED = {
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  nats: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** A short name unique to this test run: database names, NATS prefixes and Redis key prefixes. */
export function uniqueName(label: string): string {
  return `zt_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the service's migrations applied, dropped by `drop()`. */
export async function createTestDatabase(label: string, definition?: DatabaseDefinition): Promise<TestDatabase> {
  const url = `${SHARED.postgres}/${uniqueName(label)}`;
  await ensureDatabase(url);
  if (definition) await migrate(url, definition);
  return { url, drop: () => dropDatabase(url) };
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
