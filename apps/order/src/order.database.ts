import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { CreateOrders1764000000100 } from './migrations/1764000000100-create-orders';

export const orderDatabase: DatabaseDefinition = {
  entities: [],
  migrations: [...sagaMigrations, CreateOrders1764000000100],
};
