/**
 * Says whether PostgreSQL, NATS with JetStream and Redis answer at the configured addresses,
 * and for each one that does not, how to get it. Exit 0 when all three answer.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { Client } from 'pg';

interface Check {
  server: string;
  address: string;
  probe: () => Promise<string>;
  remedy: string;
}

function adminUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return admin.toString();
}

const postgresUrl = process.env.ORDER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/zhongtai_order';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4223';
// The admin user of deploy/nats/authorization.conf: operators' tools, never a service.
const natsAdmin = { user: 'admin', pass: process.env.NATS_ADMIN_PASSWORD };
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const checks: Check[] = [
  {
    server: 'PostgreSQL',
    address: new URL(postgresUrl).host,
    probe: async () => {
      const client = new Client({ connectionString: adminUrl(postgresUrl), connectionTimeoutMillis: 2000 });
      await client.connect();
      try {
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        return `PostgreSQL ${rows[0].server_version}`;
      } finally {
        await client.end();
      }
    },
    remedy: 'install PostgreSQL 15+ (apt-get install postgresql) or run `docker compose up -d postgres`',
  },
  {
    server: 'NATS with JetStream',
    address: natsUrl,
    probe: async () => {
      const nc = await connect({ servers: natsUrl, timeout: 2000, reconnect: false, ...natsAdmin });
      try {
        const account = await (await jetstreamManager(nc)).getAccountInfo();
        const enforced = nc.info?.auth_required
          ? 'users and permissions in force'
          : 'WARNING: no authorization (not deploy/nats/nats-server.conf): every client may call every subject';
        return `nats-server ${nc.info?.version ?? '?'}, JetStream with ${account.streams} streams, ${enforced}`;
      } finally {
        await nc.close();
      }
    },
    remedy:
      'install nats-server 2.9+ (npm run up then starts it with deploy/nats/nats-server.conf), ' +
      'or run `docker compose up -d nats`',
  },
  {
    server: 'Redis',
    address: redisUrl,
    probe: async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        const info = await redis.info('server');
        return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
      } finally {
        redis.disconnect();
      }
    },
    remedy: 'install Redis 7 (apt-get install redis-server) or run `docker compose up -d redis`',
  },
];

async function main(): Promise<void> {
  let missing = 0;
  for (const check of checks) {
    try {
      process.stdout.write(`  ok       ${check.server} at ${check.address}: ${await check.probe()}\n`);
    } catch (error) {
      missing += 1;
      const reason = error instanceof Error ? error.message : String(error);
      process.stdout.write(`  MISSING  ${check.server} at ${check.address} (${reason})\n           ${check.remedy}\n`);
    }
  }
  process.exit(missing === 0 ? 0 : 2);
}

void main();
