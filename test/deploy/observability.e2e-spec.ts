/**
 * Every metric a Grafana dashboard panel or a Prometheus alert rule of deploy/ names exists in
 * the real /metrics output of the five services, after real checkouts (one paid, one
 * compensated, one refused by the flash-sale gate, one paid order cancelled), so that the histograms, the compensation steps and
 * the cancel saga have samples; and every label matcher of those expressions matches a real
 * sample.
 */
import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { suitePlatform } from '../support/suite-platform';
import { OrderBody } from '../support/storefront';
import {
  allExpressions,
  familyOf,
  Family,
  matches,
  Matcher,
  parseExposition,
  selectorsOf,
} from './observability-files';

/** Series Prometheus makes itself for each target, which no /metrics serves. */
const PROMETHEUS_SERIES = new Set(['up']);
/** Labels Prometheus adds to every target's series (job: the service's name in both scrape configs). */
const TARGET_LABELS = new Set(['job', 'instance', 'pod']);
/**
 * Matchers that select failures, which a healthy run does not produce: dropped before asking a
 * real sample to match the rest of the selector.
 */
const FAILURE_MATCHERS: Matcher[] = [
  { label: 'status', op: '=~', value: '5..' },
  { label: 'outcome', op: '=', value: 'error' },
];
const isFailureMatcher = (m: Matcher) =>
  FAILURE_MATCHERS.some((f) => f.label === m.label && f.op === m.op && f.value === m.value);

describe('the dashboards and alert rules, against the services’ real /metrics', () => {
  const suite = suitePlatform();
  const scraped = new Map<ServiceName, Map<string, Family>>();
  let scarceSku = '';

  beforeAll(async () => {
    const { shop } = suite;
    const sku = await shop.productWithStock(10, 1_000);
    const rich = await shop.customerWithWallet(100_000);
    const poor = await shop.customerWithWallet(10);
    const paid = await shop.checkout(rich, { items: [{ sku, quantity: 1 }] });
    expect(paid.body).toMatchObject({ status: 'PAID' });
    const refused = await shop.checkout(poor, { items: [{ sku, quantity: 1 }] });
    expect(refused.body).toMatchObject({ status: 'CANCELLED', failureReason: 'INSUFFICIENT_FUNDS' });
    // The flash-sale gate refuses an attempt on a sold-out sku at once, and records it.
    const scarce = await shop.productWithStock(1, 1_000);
    scarceSku = scarce;
    expect((await shop.checkout(rich, { items: [{ sku: scarce, quantity: 1 }] })).body).toMatchObject({
      status: 'PAID',
    });
    const soldOut = await shop.checkout(rich, { items: [{ sku: scarce, quantity: 1 }] });
    expect(soldOut.body).toMatchObject({ status: 'CANCELLED', failureReason: 'OUT_OF_STOCK' });
    const cancelled = await shop.call<OrderBody>('POST', `/orders/${paid.body.id}/cancel`, {
      token: rich.token,
      headers: { prefer: 'wait=10' },
    });
    expect(cancelled.body).toMatchObject({ status: 'REFUNDED' });

    for (const service of SERVICE_NAMES) {
      const response = await fetch(`${suite.platform.service(service).internalUrl}/metrics`);
      expect([service, response.status]).toEqual([service, 200]);
      scraped.set(service, parseExposition(await response.text()));
    }
  }, 60_000);

  const expressions = allExpressions();
  const inService = (service: string, metric: string) => {
    const families = scraped.get(service as ServiceName);
    return families ? familyOf(metric, families) : undefined;
  };
  /** The families of `metric` in the services a selector can read (its job, or all five). */
  const familiesFor = (metric: string, matchers: Matcher[]) => {
    const job = matchers.find((m) => m.label === 'job');
    const services = SERVICE_NAMES.filter((service) => !job || matches({ job: service }, job));
    return services.flatMap((service) => {
      const family = inService(service, metric);
      return family ? [{ service, family }] : [];
    });
  };

  it('finds dashboards and rules that name metrics', () => {
    expect(expressions.length).toBeGreaterThan(20);
    expect(expressions.flatMap(({ expr }) => selectorsOf(expr)).length).toBeGreaterThan(expressions.length);
  });

  it('scraped histograms with samples: the checkout route, every step and compensation, the outbox', () => {
    const count = (service: ServiceName, family: string, labels: Record<string, string> = {}) =>
      (scraped.get(service)?.get(family)?.samples ?? [])
        .filter((s) => s.name === `${family}_count`)
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    expect(count('gateway', 'http_request_duration_seconds', { method: 'POST', route: '/checkout' })).toBe(4);
    expect(count('order', 'saga_step_duration_seconds', { saga: 'checkout', phase: 'compensation' })).toBe(1);
    expect(count('order', 'saga_step_duration_seconds', { saga: 'cancelOrder', step: 'refundPayment' })).toBe(1);
    expect(count('order', 'saga_outbox_lag_seconds')).toBeGreaterThan(0);
  });

  it('scraped the gate’s decisions and units per sku, the parked-now gauge and each step’s participant', () => {
    const samples = (service: ServiceName, family: string) => scraped.get(service)?.get(family)?.samples ?? [];
    const refused = samples('gateway', 'flash_sale_gate_decisions_total').find((s) => s.labels.decision === 'refused');
    expect(refused?.value).toBeGreaterThanOrEqual(1);
    expect(samples('gateway', 'flash_sale_gate_promisable_units').find((s) => s.labels.sku === scarceSku)?.value).toBe(
      0,
    );
    expect(scraped.get('order')?.has('saga_parked_now')).toBe(true);
    // These checkouts use no coupon: the coupon steps are skipped, and have no sample.
    const participants = new Set(samples('order', 'saga_step_duration_seconds').map((s) => s.labels.participant));
    expect(participants).toEqual(new Set(['inventory', 'payment']));
  });

  it('names only metrics that some service exports (suffixes _bucket, _sum, _count of histograms only)', () => {
    const missing = expressions.flatMap(({ where, expr }) =>
      selectorsOf(expr)
        .filter(({ metric }) => !PROMETHEUS_SERIES.has(metric))
        .filter(({ metric, matchers }) => familiesFor(metric, matchers).length === 0)
        .map(({ metric }) => `${where}: ${metric}`),
    );
    expect(missing).toEqual([]);
  });

  it('names, in job matchers, only the five services', () => {
    const wrong = expressions.flatMap(({ where, expr }) =>
      selectorsOf(expr).flatMap(({ matchers }) =>
        matchers
          .filter((m) => m.label === 'job')
          .filter((m) => !SERVICE_NAMES.some((service) => matches({ job: service }, m)))
          .map((m) => `${where}: job${m.op}"${m.value}"`),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('has every label matcher (failures aside) match a real sample of the metric', () => {
    const unmatched = expressions.flatMap(({ where, expr }) =>
      selectorsOf(expr)
        .filter(({ metric }) => !PROMETHEUS_SERIES.has(metric))
        .filter(({ matchers }) => matchers.some((m) => !TARGET_LABELS.has(m.label) && !isFailureMatcher(m)))
        .filter(({ metric, matchers }) => {
          const own = matchers.filter((m) => !TARGET_LABELS.has(m.label) && !isFailureMatcher(m));
          return !familiesFor(metric, matchers).some(({ family }) =>
            family.samples.some(
              (sample) => sample.name.startsWith(family.name) && own.every((m) => matches(sample.labels, m)),
            ),
          );
        })
        .map(({ metric, matchers }) => `${where}: ${metric}{${matchers.map((m) => `${m.label}${m.op}"${m.value}"`)}}`),
    );
    expect(unmatched).toEqual([]);
  });

  it('exports readiness from all five services and the database pool from the four with a database', () => {
    for (const service of SERVICE_NAMES) {
      expect([
        service,
        scraped
          .get(service)
          ?.get('service_ready')
          ?.samples.map((s) => s.value),
      ]).toEqual([service, [1]]);
      const pool = scraped
        .get(service)
        ?.get('db_pool_max_connections')
        ?.samples.map((s) => s.value);
      expect([service, pool]).toEqual([service, service === 'gateway' ? undefined : [4]]);
    }
  });
});
