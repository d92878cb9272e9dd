import { readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@zhongtai/platform';
import { Redis } from 'ioredis';
import { freePort } from '../infrastructure';
import type { ServiceOutput } from './service-output';
import type { ServiceProcess } from './service-process';

/**
 * What the three stack builders share (TestPlatform on the shared servers, ChaosCluster on
 * servers of its own, BenchStack in production mode): the services' environment defaults,
 * starting a set of services, and removing what a run left on NATS and Redis.
 */

/** The development defaults of .env.example (every variable the processes read). */
export function exampleDefaults(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync('.env.example', 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

/**
 * Starts `services`, each made by `make` with a port to try first, and waits until they are
 * ready: all together, or `oneByOne` (each ready before the next starts).
 */
export async function startServices<O extends ServiceOutput>(
  services: readonly ServiceName[],
  make: (service: ServiceName, port: number) => ServiceProcess<O>,
  { oneByOne = false, readyTimeoutMs = 60_000 } = {},
): Promise<void> {
  const started: ServiceProcess<O>[] = [];
  for (const service of services) {
    const process = make(service, await freePort()).start();
    started.push(process);
    if (oneByOne) await process.waitReady(readyTimeoutMs);
  }
  if (!oneByOne) await Promise.all(started.map((p) => p.waitReady(readyTimeoutMs)));
}

/** Deletes every JetStream stream whose name starts with `prefix` (and with them their consumers). */
export async function removeStreams(nats: NatsConnection, prefix: string): Promise<void> {
  const jsm = await jetstreamManager(nats);
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(prefix)) await jsm.streams.delete(stream.config.name);
  }
}

/** Deletes every Redis key under `prefix`. */
export async function removeRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
