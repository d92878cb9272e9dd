import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChildServer } from './child-server';

/** nats-server with JetStream, its store in the run's directory, so a restart keeps the streams. */
export function privateNats(runDir: string, port: number, logDir: string): ChildServer {
  const store = join(runDir, 'nats');
  mkdirSync(store, { recursive: true });
  const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
  return new ChildServer(
    'nats',
    port,
    binary,
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store],
    join(logDir, 'nats.log'),
  );
}

/** redis-server without persistence: a kill loses every key, as a Redis cache may. */
export function privateRedis(runDir: string, port: number, logDir: string): ChildServer {
  const dir = join(runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  return new ChildServer('redis', port, binary, args, join(logDir, 'redis.log'));
}
