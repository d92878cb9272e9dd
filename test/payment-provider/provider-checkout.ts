import { notificationSignature } from '@zhongtai/contracts';
import type { ProviderNotification } from '@zhongtai/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { ProviderTestKit } from '../../apps/provider/src/testing/provider-test-kit';
import type { NotificationDelivery } from '../../apps/provider/src/testing/testing.controller';
import { eventually } from '../support/infrastructure';
import type { ApiResponse, Customer, OrderBody, Storefront } from '../support/storefront';
import { NOTIFY_SECRET } from './provider-platform';

export type ProviderOrder = OrderBody & { payment?: { payUrl: string; expiresAt: string } };

/** A checkout paid at the provider, answered once it awaits payment (or ended). */
export function checkoutAtProvider(
  shop: Storefront,
  customer: Customer,
  body: Record<string, unknown>,
): Promise<ApiResponse<ProviderOrder>> {
  return shop.checkout(customer, { ...body, paymentMethod: 'provider' }) as Promise<ApiResponse<ProviderOrder>>;
}

/** The provider's payment id and pay token, read from the order's pay URL as the pay page would. */
export function payLink(order: ProviderOrder): { paymentId: string; payToken: string } {
  if (!order.payment) throw new Error(`order ${order.id} has no pay URL: ${JSON.stringify(order)}`);
  const url = new URL(order.payment.payUrl);
  return { paymentId: url.pathname.split('/').at(-1)!, payToken: url.searchParams.get('token')! };
}

/** The customer pays (or is declined) on the provider's side. */
export async function payAtProvider(
  provider: ProviderTestKit,
  order: ProviderOrder,
  outcome: 'succeed' | 'fail' = 'succeed',
): Promise<ApiResponse<unknown>> {
  const { paymentId, payToken } = payLink(order);
  const paid = await provider.call('POST', `/v1/payments/${paymentId}/pay`, { payToken, outcome }, null);
  return { status: paid.status, headers: new Headers(), body: paid.body };
}

/** The order once it has `status` (read through the API, as the customer would). */
export function orderReaches(
  shop: Storefront,
  customer: Customer,
  orderId: string,
  status: string,
  timeoutMs = 30_000,
): Promise<ProviderOrder> {
  return eventually(
    async () => {
      const order = await shop.call<ProviderOrder>('GET', `/orders/${orderId}`, { token: customer.token });
      return order.body.status === status ? order.body : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `order ${orderId} ${status}` },
  );
}

export async function notificationsOf(
  provider: ProviderTestKit,
  order: ProviderOrder,
): Promise<NotificationDelivery[]> {
  const { paymentId } = payLink(order);
  return (
    await provider.call<{ items: NotificationDelivery[] }>('GET', `/v1/testing/notifications?paymentId=${paymentId}`)
  ).body.items;
}

/** A notification signed as the provider signs them (or with `secret`), its headers adjustable. */
export function signedNotification(
  order: ProviderOrder,
  options: {
    status?: ProviderNotification['status'];
    amountCents?: number;
    secret?: string;
    timestamp?: number;
    nonce?: string;
  } = {},
): { rawBody: string; headers: Record<string, string> } {
  const notification: ProviderNotification = {
    notificationId: randomUUID(),
    paymentId: payLink(order).paymentId,
    merchantOrderId: order.id,
    status: options.status ?? 'SUCCEEDED',
    amountCents: options.amountCents ?? order.totalCents,
    occurredAt: new Date().toISOString(),
  };
  const rawBody = JSON.stringify(notification);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  return {
    rawBody,
    headers: {
      'x-provider-timestamp': timestamp,
      'x-provider-nonce': nonce,
      'x-provider-signature': notificationSignature(options.secret ?? NOTIFY_SECRET, timestamp, nonce, rawBody),
    },
  };
}

export function postNotification(shop: Storefront, notification: { rawBody: string; headers: Record<string, string> }) {
  return shop.call<{ code?: string; acknowledged?: boolean; duplicate?: boolean }>(
    'POST',
    '/payments/provider/notifications',
    notification,
  );
}

/** A statement against the provider's own database: a fault of the provider its API cannot be asked for. */
export async function atProvider(provider: ProviderTestKit, sql: string, params: unknown[]): Promise<void> {
  const client = new Client({ connectionString: provider.database.url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}
