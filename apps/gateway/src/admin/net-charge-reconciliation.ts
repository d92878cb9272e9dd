import { OrderRpc, PaymentRpc } from '@zhongtai/contracts';
import type { ExpectedChargesPage, NetChargesPage } from '@zhongtai/contracts';
import type { ServiceRpcClient } from '@zhongtai/platform';

/** Orders compared per round trip: a page of ids and net charges stays far below NATS's 1 MB payload limit. */
const PAGE_SIZE = 2_000;
/** The mismatches named in the answer; the count covers all of them. */
const MISMATCHES_NAMED = 100;

export interface NetChargeReconciliation {
  /** Orders whose net charge is not what their state asks, and charged references that are no order. */
  mismatchCount: number;
  firstMismatches: string[];
}

/**
 * The money invariant across two databases that nothing joins: every settled order holds a net
 * charge of its total if PAID and none otherwise, and nothing is charged for an order that does
 * not exist. Walks the orders in id order, one page at a time, and asks the ledger for the same id
 * range, so that a charge whose reference no order has falls into some page too.
 */
export async function reconcileNetCharges(
  orders: Pick<ServiceRpcClient, 'request'>,
  payments: Pick<ServiceRpcClient, 'request'>,
  timeoutMs: number,
  pageSize = PAGE_SIZE,
): Promise<NetChargeReconciliation> {
  const mismatches: string[] = [];
  let mismatchCount = 0;
  const mismatch = (orderId: string) => {
    mismatchCount += 1;
    if (mismatches.length < MISMATCHES_NAMED) mismatches.push(orderId);
  };
  let after: string | null = null;
  for (;;) {
    const page: ExpectedChargesPage = await orders.request<ExpectedChargesPage>(
      OrderRpc.expectedCharges,
      { after, limit: pageSize },
      timeoutMs,
    );
    const upTo = page.orders.length < pageSize ? null : page.orders[page.orders.length - 1].id;
    const { netChargedByOrder } = await payments.request<NetChargesPage>(
      PaymentRpc.netCharges,
      { after, upTo },
      timeoutMs,
    );
    const charged = new Map(Object.entries(netChargedByOrder));
    for (const order of page.orders) {
      const net = charged.get(order.id) ?? 0;
      charged.delete(order.id);
      if (order.expectedNetCents !== null && net !== order.expectedNetCents) mismatch(order.id);
    }
    for (const reference of charged.keys()) mismatch(reference);
    if (upTo === null) return { mismatchCount, firstMismatches: mismatches };
    after = upTo;
  }
}
