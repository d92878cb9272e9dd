import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { PreparingClient } from './prepared-statements';

/** What a service declares about its own database: its entities and its ordered migrations. */
export interface DatabaseDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * The one place DataSource options are built, for the running service, the migration script
 * and the tests alike. Schema changes go through migrations only.
 */
export function dataSourceOptions(url: string, definition: DatabaseDefinition, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: definition.entities,
    migrations: definition.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}

/**
 * The running service's database: its connections prepare their statements (see
 * PreparingClient). The migration script and the test kits use plain connections. PostgreSQL
 * re-plans a prepared statement after a schema change; it refuses one whose result columns
 * changed, which statements naming their columns (all of this project's) never meet.
 */
export function databaseModule(url: string, definition: DatabaseDefinition, poolSize: number) {
  const options = dataSourceOptions(url, definition, poolSize);
  return TypeOrmModule.forRoot({
    ...options,
    extra: { ...options.extra, Client: PreparingClient },
    retryAttempts: 10,
    retryDelay: 1000,
  });
}
