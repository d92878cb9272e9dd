import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { Customer } from './customers/customer.entity';
import { CreateOrders1764000000100 } from './migrations/1764000000100-create-orders';
import { OrdersPaidAtProvider1764000000101 } from './migrations/1764000000101-orders-paid-at-provider';
import { Order } from './orders/order.entity';

export const orderDatabase: DatabaseDefinition = {
  entities: [Customer, Order],
  migrations: [...sagaMigrations, CreateOrders1764000000100, OrdersPaidAtProvider1764000000101],
};
