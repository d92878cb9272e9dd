/**
 * A checkout as a storefront sends it (API.md): `POST /checkout` with a bearer token, a fresh
 * Idempotency-Key and `Prefer: wait=N`, classified by what came back. With a long enough
 * wait, a 201 carries the final state, so the response time of a 201 PAID is the time to PAID.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HttpTarget, Sample } from './load';

export interface CheckoutBody {
  items: { sku: string; quantity: number }[];
  couponCode?: string;
}

export interface CheckoutSample extends Sample {
  key: string;
  orderId?: string;
  status?: string;
}

export async function checkout(
  http: HttpTarget,
  token: string,
  body: CheckoutBody,
  waitSeconds: number,
  key = randomUUID(),
): Promise<CheckoutSample> {
  const started = performance.now();
  try {
    const response = await http.request('POST', '/checkout', body, {
      authorization: `Bearer ${token}`,
      'idempotency-key': key,
      prefer: `wait=${waitSeconds}`,
    });
    const ms = performance.now() - started;
    let parsed: { id?: string; status?: string; failureReason?: string | null; code?: string } = {};
    try {
      parsed = JSON.parse(response.body);
    } catch {
      // not JSON: named by its HTTP status below
    }
    if (response.status === 201 && parsed.status === 'PAID') {
      return { ms, outcome: 'PAID', ok: true, key, orderId: parsed.id, status: 'PAID' };
    }
    if (response.status === 201) {
      return {
        ms,
        outcome: `${parsed.status} ${parsed.failureReason ?? ''}`.trim(),
        ok: false,
        key,
        orderId: parsed.id,
        status: parsed.status,
      };
    }
    if (response.status === 202) {
      return {
        ms,
        outcome: `still ${parsed.status} after wait`,
        ok: false,
        key,
        orderId: parsed.id,
        status: parsed.status,
      };
    }
    return { ms, outcome: `HTTP ${response.status} ${parsed.code ?? ''}`.trim(), ok: false, key };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    return { ms: performance.now() - started, outcome: `network ${code}`, ok: false, key };
  }
}
