import { Gauge, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** The part of a node-postgres pool these gauges read. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

function poolOf(dataSource: DataSource): PgPool | undefined {
  // TypeORM's PostgresDriver keeps its node-postgres Pool as `master` once initialized.
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  return pool && typeof pool.totalCount === 'number' ? pool : undefined;
}

/**
 * Gauges of a service's PostgreSQL connection pool, read from the pool at each scrape:
 * connections in use and idle, requests waiting for a connection, and the pool's size limit.
 * A pool whose in-use count sits at its limit while requests wait is the database bottleneck.
 */
export function registerDatabasePoolMetrics(registry: Registry, dataSource: DataSource): void {
  const registers = [registry];
  new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of the PostgreSQL pool by state (in_use, idle)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const pool = poolOf(dataSource);
      this.set({ state: 'in_use' }, pool ? pool.totalCount - pool.idleCount : 0);
      this.set({ state: 'idle' }, pool ? pool.idleCount : 0);
    },
  });
  new Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Requests waiting for a PostgreSQL pool connection',
    registers,
    collect() {
      this.set(poolOf(dataSource)?.waitingCount ?? 0);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'The most connections the PostgreSQL pool opens (DATABASE_POOL_SIZE)',
    registers,
    collect() {
      this.set(poolOf(dataSource)?.options?.max ?? 0);
    },
  });
}
