import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { natsServerName, redisProcessId } from '../../test/support/harness';
import { ChildServer } from './child-server';

/** nats-server with JetStream, its store in the run's directory, so a restart keeps the streams. */
export function privateNats(runDir: string, logDir: string): ChildServer {
  const store = join(runDir, 'nats');
  mkdirSync(store, { recursive: true });
  // The run directory's unique name tells our server from any other on the port.
  const name = `chaos-${basename(runDir)}`;
  return new ChildServer(
    'nats',
    {
      binary: process.env.NATS_SERVER_BIN ?? 'nats-server',
      args: (port) => ['-a', '127.0.0.1', '-p', String(port), '-n', name, '-js', '-sd', store],
      isOurs: async (port) => (await natsServerName(port)) === name,
    },
    join(logDir, 'nats.log'),
  );
}

/** redis-server without persistence: a kill loses every key, as a Redis cache may. */
export function privateRedis(runDir: string, logDir: string): ChildServer {
  const dir = join(runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  return new ChildServer(
    'redis',
    {
      binary: process.env.REDIS_SERVER_BIN ?? 'redis-server',
      args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      isOurs: async (port, pid) => (await redisProcessId(port)) === pid,
    },
    join(logDir, 'redis.log'),
  );
}
