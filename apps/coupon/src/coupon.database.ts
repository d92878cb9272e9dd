import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { CreateCoupons1764000000200 } from './migrations/1764000000200-create-coupons';

export const couponDatabase: DatabaseDefinition = {
  entities: [],
  migrations: [...sagaMigrations, CreateCoupons1764000000200],
};
