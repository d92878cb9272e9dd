import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { CreateLedger1764000000300 } from './migrations/1764000000300-create-ledger';

export const paymentDatabase: DatabaseDefinition = {
  entities: [],
  migrations: [...sagaMigrations, CreateLedger1764000000300],
};
