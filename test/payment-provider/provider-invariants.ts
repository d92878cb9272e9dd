import { Client } from 'pg';
import type { ProviderTestKit } from '../../apps/provider/src/testing/provider-test-kit';
import type { TestPlatform } from '../support/platform';

/**
 * The invariants of payments at the provider, read from the platform's databases and the
 * provider's: no PAID order without the provider's success of its total; no success at the
 * provider without a PAID order or a refund of it all; no stock held by an order that expired
 * or was cancelled. Returns the violations found.
 */
export async function providerInvariantViolations(
  platform: TestPlatform,
  provider: ProviderTestKit,
): Promise<string[]> {
  const violations: string[] = [];
  const orders = await platform.query<{ id: string; status: string; total_cents: number }>(
    'order',
    `SELECT id, status, total_cents FROM orders WHERE payment_method = 'provider'`,
  );
  const atProvider = await providerPayments(provider);
  for (const order of orders) {
    const payment = atProvider.get(order.id);
    const succeeded = payment?.status === 'SUCCEEDED' || payment?.status === 'REFUNDED';
    const kept = payment && succeeded ? payment.amount - payment.refunded : 0;
    const expected = order.status === 'PAID' ? order.total_cents : 0;
    if (kept !== expected) violations.push(`order ${order.id} is ${order.status}, the provider kept ${kept}`);
  }
  const known = new Set(orders.map((order) => order.id));
  for (const [orderId, payment] of atProvider) {
    if (!known.has(orderId) && payment.status === 'SUCCEEDED')
      violations.push(`provider success for unknown order ${orderId}`);
  }
  const held = await platform.query<{ order_id: string }>(
    'inventory',
    `SELECT order_id FROM reservations WHERE status = 'RESERVED'`,
  );
  const ended = new Set(orders.filter((order) => order.status === 'CANCELLED').map((order) => order.id));
  for (const { order_id: orderId } of held) {
    if (ended.has(orderId)) violations.push(`cancelled order ${orderId} still holds stock`);
  }
  return violations;
}

async function providerPayments(
  provider: ProviderTestKit,
): Promise<Map<string, { status: string; amount: number; refunded: number }>> {
  const client = new Client({ connectionString: provider.database.url });
  await client.connect();
  try {
    const rows = (
      await client.query<{ merchant_order_id: string; status: string; amount_cents: string; refunded_cents: string }>(
        'SELECT merchant_order_id, status, amount_cents, refunded_cents FROM provider_payments',
      )
    ).rows;
    return new Map(
      rows.map((row) => [
        row.merchant_order_id,
        { status: row.status, amount: Number(row.amount_cents), refunded: Number(row.refunded_cents) },
      ]),
    );
  } finally {
    await client.end();
  }
}
