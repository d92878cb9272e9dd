import type { DatabaseDefinition } from '@zhongtai/platform';
import { CreateProvider1764000000900 } from './migrations/1764000000900-create-provider';
import { QueryFaults1764000000901 } from './migrations/1764000000901-query-faults';

/** The simulator reads and writes its tables in SQL of its own: it has no entities. */
export const providerDatabase: DatabaseDefinition = {
  entities: [],
  migrations: [CreateProvider1764000000900, QueryFaults1764000000901],
};
