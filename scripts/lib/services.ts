import type { DatabaseDefinition, ServiceName } from '@zhongtai/platform';
import { couponDatabase } from '../../apps/coupon/src/coupon.database';
import { inventoryDatabase } from '../../apps/inventory/src/inventory.database';
import { orderDatabase } from '../../apps/order/src/order.database';
import { paymentDatabase } from '../../apps/payment/src/payment.database';

/** The services that own a database, in the order the platform starts them. */
export const DATABASES: Partial<Record<ServiceName, DatabaseDefinition>> = {
  order: orderDatabase,
  inventory: inventoryDatabase,
  coupon: couponDatabase,
  payment: paymentDatabase,
};

/** Where each service's compiled entry point lives after `npm run build`. */
export function entryPoint(service: ServiceName): string {
  return `dist/apps/${service}/src/main.js`;
}
