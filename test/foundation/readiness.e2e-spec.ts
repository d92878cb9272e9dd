import { createTestDatabase, eventually, freePort, SHARED, TestDatabase, uniqueName } from '../support/infrastructure';
import { ServiceProcess } from '../support/harness';
import { exampleDefaults } from '../support/platform';
import { TcpProxy } from '../support/tcp-proxy';
import { inventoryDatabase } from '../../apps/inventory/src/inventory.database';

interface NotReady {
  status: number;
  code: string;
  failing: string[];
}

async function readiness(service: ServiceProcess): Promise<{ status: number; body: NotReady }> {
  const response = await fetch(`${service.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as NotReady };
}

describe('readiness when a dependency dies', () => {
  const postgresProxy = new TcpProxy('127.0.0.1', Number(new URL(SHARED.postgres).port || 5432));
  const natsProxy = new TcpProxy('127.0.0.1', Number(new URL(SHARED.nats).port || 4222));
  let database: TestDatabase;
  let inventory: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('readiness', inventoryDatabase);
    const postgresPort = await postgresProxy.start();
    const natsPort = await natsProxy.start();
    const url = new URL(database.url);
    url.port = String(postgresPort);
    const port = await freePort();
    inventory = new ServiceProcess('inventory', {
      port,
      env: {
        INVENTORY_DATABASE_URL: url.toString(),
        INVENTORY_NATS_PASSWORD: exampleDefaults().INVENTORY_NATS_PASSWORD,
        NATS_URL: `nats://127.0.0.1:${natsPort}`,
        NATS_PREFIX: uniqueName('ready').replace(/_/g, '-'),
      },
    }).start();
    await inventory.waitReady();
  }, 30_000);

  afterAll(async () => {
    await inventory?.stop();
    await postgresProxy.stop();
    await natsProxy.stop();
    await database?.drop();
  }, 30_000);

  it('answers 503 naming postgres when PostgreSQL is unreachable, while live stays 200', async () => {
    await postgresProxy.stop();
    const notReady = await eventually(async () => {
      const result = await readiness(inventory);
      return result.status === 503 ? result : undefined;
    });
    expect(notReady.body).toMatchObject({ code: 'NOT_READY', failing: ['postgres'] });
    expect((await fetch(`${inventory.url}/health/live`)).status).toBe(200);

    await postgresProxy.start();
    await eventually(async () => ((await readiness(inventory)).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'readiness to return after PostgreSQL comes back',
    });
  });

  it('answers 503 naming nats when NATS is unreachable, while live stays 200', async () => {
    await natsProxy.stop();
    const notReady = await eventually(async () => {
      const result = await readiness(inventory);
      return result.status === 503 ? result : undefined;
    });
    expect(notReady.body).toMatchObject({ code: 'NOT_READY', failing: ['nats'] });
    expect((await fetch(`${inventory.url}/health/live`)).status).toBe(200);

    await natsProxy.start();
    await eventually(async () => ((await readiness(inventory)).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'readiness to return after NATS comes back',
    });
  });
});

describe('readiness of the gateway when Redis dies', () => {
  const redisProxy = new TcpProxy('127.0.0.1', Number(new URL(SHARED.redis).port || 6379));
  let gateway: ServiceProcess;

  beforeAll(async () => {
    const redisPort = await redisProxy.start();
    const port = await freePort();
    gateway = new ServiceProcess('gateway', {
      port,
      env: {
        ...exampleDefaults(),
        NATS_URL: SHARED.nats,
        NATS_PREFIX: uniqueName('ready').replace(/_/g, '-'),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      },
    }).start();
    await gateway.waitReady();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await redisProxy.stop();
  });

  it('answers 503 naming redis, while live stays 200', async () => {
    await redisProxy.stop();
    const notReady = await eventually(async () => {
      const result = await readiness(gateway);
      return result.status === 503 ? result : undefined;
    });
    expect(notReady.body).toMatchObject({ code: 'NOT_READY', failing: ['redis'] });
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });
});
