import { Registry } from 'prom-client';
import { DataSource, QueryRunner } from 'typeorm';
import { SHARED } from '../../../../test/support/infrastructure';
import { registerDatabasePoolMetrics } from './database-pool-metrics';
import { registerReadinessMetric } from './readiness-metrics';

/** The value of one sample of the registry's text output, e.g. `db_pool_connections{state="idle"}`. */
async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the database pool gauges, on a real PostgreSQL pool', () => {
  const dataSource = new DataSource({
    type: 'postgres',
    url: `${SHARED.postgres}/postgres`,
    extra: { max: 3 },
  });
  const registry = new Registry();
  const held: QueryRunner[] = [];

  beforeAll(async () => {
    await dataSource.initialize();
    registerDatabasePoolMetrics(registry, dataSource);
  });

  afterAll(async () => {
    await Promise.all(held.map((runner) => runner.release()));
    await dataSource.destroy();
  });

  it('reports the pool size limit', async () => {
    expect(await sample(registry, 'db_pool_max_connections')).toBe(3);
  });

  it('counts the connections held as in use, released ones as idle, and the requests that wait', async () => {
    for (let i = 0; i < 3; i++) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    expect(await sample(registry, 'db_pool_connections{state="in_use"}')).toBe(3);
    expect(await sample(registry, 'db_pool_waiting_requests')).toBe(0);

    // A fourth query waits: the pool is at its limit.
    const waiting = dataSource.query('SELECT 1 AS one');
    expect(await sample(registry, 'db_pool_waiting_requests')).toBe(1);

    await held.pop()!.release();
    await expect(waiting).resolves.toEqual([{ one: 1 }]);
    expect(await sample(registry, 'db_pool_connections{state="in_use"}')).toBe(2);
    expect(await sample(registry, 'db_pool_connections{state="idle"}')).toBe(1);
    expect(await sample(registry, 'db_pool_waiting_requests')).toBe(0);
  });
});

describe('the readiness gauge', () => {
  it('is 1 while the check passes and 0 while it fails, checked at each scrape', async () => {
    const registry = new Registry();
    let failing = false;
    registerReadinessMetric(registry, async () => {
      if (failing) throw new Error('postgres failing');
    });
    expect(await sample(registry, 'service_ready')).toBe(1);
    failing = true;
    expect(await sample(registry, 'service_ready')).toBe(0);
    failing = false;
    expect(await sample(registry, 'service_ready')).toBe(1);
  });
});
