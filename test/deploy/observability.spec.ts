/**
 * The shape of the Grafana dashboards and the Prometheus alert rules of deploy/ (what Grafana
 * and Prometheus refuse, or silently show nothing for), the step deadlines the SagaStepSlow rule
 * assumes, and the PromQL and exposition readers observability.e2e-spec.ts relies on. That every
 * metric they name exists is observability.e2e-spec.ts's check, on the running services.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cancelOrderSaga } from '../../apps/order/src/cancellation/cancel-order.saga';
import { checkoutSaga } from '../../apps/order/src/checkout/checkout.saga';
import {
  DASHBOARDS_DIR,
  familyOf,
  Json,
  matches,
  panelsOf,
  parseExposition,
  readDashboards,
  readRules,
  ROOT,
  selectorsOf,
} from './observability-files';

const dashboards = readDashboards();
const rules: Json[] = (readRules().groups ?? []).flatMap((group: Json) => group.rules ?? []);

describe('deploy/grafana/dashboards', () => {
  it('holds dashboards, each one valid JSON', () => {
    const files = readdirSync(DASHBOARDS_DIR);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.filter((file) => !file.endsWith('.json'))).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.file, d.json]))(
    '%s has a title, a uid, a schemaVersion and panels',
    (_file, json) => {
      expect(typeof json.title).toBe('string');
      expect(json.title.length).toBeGreaterThan(0);
      // Grafana refuses uids longer than 40 characters or with other characters.
      expect(json.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(Number.isInteger(json.schemaVersion)).toBe(true);
      expect(json.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(Array.isArray(json.panels)).toBe(true);
      expect(json.panels.length).toBeGreaterThan(0);
      // Provisioned dashboards are identified by uid; an id would clash between instances.
      expect(json.id ?? null).toBeNull();
    },
  );

  it('gives every dashboard its own uid and title', () => {
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = dashboards.map((d) => d.json.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it.each(dashboards.map((d) => [d.file, d.json]))(
    '%s: every panel has a unique id, a type, a title and a place on the 24-column grid',
    (_file, json) => {
      const panels = panelsOf(json);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panels) {
        const where = `panel ${panel.id} ${panel.title}`;
        expect([where, typeof panel.type, typeof panel.title]).toEqual([where, 'string', 'string']);
        const { h, w, x, y } = panel.gridPos ?? {};
        expect([where, [h, w, x, y].every((n) => Number.isInteger(n) && n >= 0)]).toEqual([where, true]);
        expect([where, w >= 1 && x + w <= 24 && h >= 1]).toEqual([where, true]);
      }
    },
  );

  it.each(dashboards.map((d) => [d.file, d.json]))(
    '%s: every panel other than a row queries the provisioned Prometheus with PromQL',
    (_file, json) => {
      const datasource = parse(
        readFileSync(join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
      ) as Json;
      const prometheus = datasource.datasources.find((d: Json) => d.type === 'prometheus');
      for (const panel of panelsOf(json).filter((p) => p.type !== 'row')) {
        const where = `panel ${panel.id} ${panel.title}`;
        expect([where, Array.isArray(panel.targets) && panel.targets.length > 0]).toEqual([where, true]);
        const refIds = panel.targets.map((t: Json) => t.refId);
        expect([where, new Set(refIds).size]).toEqual([where, refIds.length]);
        for (const target of panel.targets) {
          expect([where, typeof target.expr, target.expr.trim().length > 0]).toEqual([where, 'string', true]);
          expect([where, target.datasource]).toEqual([where, { type: 'prometheus', uid: prometheus.uid }]);
          expect([where, selectorsOf(target.expr).length > 0]).toEqual([where, true]);
        }
      }
    },
  );

  it('covers what an operator of the checkout watches', () => {
    const titles = dashboards.flatMap((d) => panelsOf(d.json).map((p) => String(p.title).toLowerCase()));
    const wanted = [
      'checkout rate',
      'checkout latency',
      'saga outcomes per type',
      'step latency per participant',
      'compensations',
      'parked sagas',
      'outbox lag',
      'redeliveries',
      'http p99 per route',
      'database pool use',
      'flash-sale gate',
    ];
    const all = titles.join('\n');
    expect(wanted.filter((title) => !all.includes(title))).toEqual([]);
  });

  it('shows the gate’s decisions and promisable units, the sagas parked now and step latency by participant', () => {
    const exprs = dashboards.flatMap((d) =>
      panelsOf(d.json).flatMap((p) => ((p.targets ?? []) as Json[]).map((t) => String(t.expr))),
    );
    const metrics = exprs.flatMap((expr) => selectorsOf(expr).map((s) => s.metric));
    expect(metrics).toEqual(
      expect.arrayContaining([
        'flash_sale_gate_decisions_total',
        'flash_sale_gate_promisable_units',
        'saga_parked_now',
      ]),
    );
    const stepLatency = exprs.filter((expr) => expr.includes('saga_step_duration_seconds_bucket{phase="action"}'));
    expect(stepLatency.some((expr) => /by \([^)]*participant/.test(expr))).toBe(true);
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  it('has groups of rules, each group named and each alert named once', () => {
    const groups = readRules().groups as Json[];
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(typeof group.name).toBe('string');
      expect(group.rules.length).toBeGreaterThan(0);
    }
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(rules.map((rule) => [rule.alert, rule]))(
    '%s has an expression, a duration, a severity and a summary',
    (_alert, rule) => {
      expect(rule.alert).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(typeof rule.expr).toBe('string');
      expect(selectorsOf(rule.expr).length).toBeGreaterThan(0);
      expect(String(rule.for)).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
      expect(rule.annotations.summary.length).toBeGreaterThan(0);
      // A rule file holds alerts only here: a recording rule would need `record`, not `alert`.
      expect(rule.record).toBeUndefined();
    },
  );

  it('alerts on a parked saga, outbox lag over 5 s, a slow step, checkout errors and a service not ready', () => {
    const byName = (name: string) => rules.find((rule) => rule.alert === name);
    expect(selectorsOf(byName('SagaParked')?.expr ?? '').map((s) => s.metric)).toContain('saga_parked_total');
    expect(byName('SagaOutboxLagHigh')?.expr).toMatch(/saga_outbox_lag_seconds_bucket[\s\S]*>\s*5$/);
    expect(byName('SagaStepSlow')?.expr).toContain('saga_step_duration_seconds_bucket');
    expect(byName('CheckoutErrors')?.expr).toContain('route="/checkout"');
    expect(byName('ServiceNotReady')?.expr).toContain('service_ready == 0');
    expect(byName('ServiceDown')?.expr).toContain('up{');
  });

  it("puts every step's p99 threshold at half its first deadline, from the saga definitions", () => {
    const slow = rules.filter((rule) => rule.alert === 'SagaStepSlow');
    expect(slow.length).toBeGreaterThan(0);
    const covering = (saga: string, step: string, phase: string) =>
      slow.filter((rule) => {
        const [selector] = selectorsOf(rule.expr).filter((s) => s.metric === 'saga_step_duration_seconds_bucket');
        return selector.matchers.every((m) => matches({ saga, step, phase }, m));
      });
    const checked: string[] = [];
    for (const saga of [checkoutSaga, cancelOrderSaga]) {
      for (const step of saga.steps) {
        const phases: Array<[string, number]> = [['action', step.retry.timeoutMs]];
        if (step.compensation) phases.push(['compensation', saga.compensationRetry.timeoutMs]);
        for (const [phase, deadlineMs] of phases) {
          const found = covering(saga.name, step.name, phase);
          const where = `${saga.name}.${step.name} ${phase}`;
          expect([where, found.length]).toEqual([where, 1]);
          const threshold = Number(/>\s*([\d.]+)\s*$/.exec(found[0].expr)?.[1]);
          expect([where, threshold * 1000]).toEqual([where, deadlineMs / 2]);
          checked.push(where);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining(['checkout.chargeWallet action', 'checkout.reserveStock compensation']),
    );
  });
});

describe('the PromQL reader used by these tests', () => {
  it('finds metric names, not functions, aggregations, label lists, keywords, durations or strings', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, job) (rate(a_seconds_bucket{job="x",route=~"/a|/b"}[5m]))) > 2.5 ' +
      'or sum without (instance) (b_total offset 15m) unless on (job) group_left (saga) c_gauge ' +
      '/ max(d_info{name="sum(x)"}) and count_values("v", e) > bool 1e3';
    expect(selectorsOf(expr).map((s) => s.metric)).toEqual(['a_seconds_bucket', 'b_total', 'c_gauge', 'd_info', 'e']);
    expect(selectorsOf(expr)[0].matchers).toEqual([
      { label: 'job', op: '=', value: 'x' },
      { label: 'route', op: '=~', value: '/a|/b' },
    ]);
    expect(selectorsOf('rate(x{subject=~".+\\\\.order\\\\.place"}[1m])')[0].matchers[0].value).toBe(
      '.+\\.order\\.place',
    );
  });

  it('strips _bucket, _sum and _count from histograms only', () => {
    const families = parseExposition(
      [
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="1"} 1',
        'h_seconds_sum 0.5',
        'h_seconds_count 1',
        '# TYPE db_waiting_count gauge',
        'db_waiting_count 0',
        '# TYPE c_total counter',
        'c_total{saga="checkout"} 3',
      ].join('\n'),
    );
    expect(familyOf('h_seconds_bucket', families)?.name).toBe('h_seconds');
    expect(familyOf('h_seconds_count', families)?.name).toBe('h_seconds');
    expect(familyOf('h_seconds', families)).toBeUndefined();
    expect(familyOf('db_waiting_count', families)?.name).toBe('db_waiting_count');
    expect(familyOf('db_waiting', families)).toBeUndefined();
    expect(familyOf('c_total_count', families)).toBeUndefined();
    expect(families.get('c_total')?.samples).toEqual([{ name: 'c_total', labels: { saga: 'checkout' }, value: 3 }]);
  });

  it('anchors regular expression matchers at both ends, as PromQL does', () => {
    expect(matches({ status: '500' }, { label: 'status', op: '=~', value: '5..' })).toBe(true);
    expect(matches({ status: '1500' }, { label: 'status', op: '=~', value: '5..' })).toBe(false);
    expect(matches({}, { label: 'route', op: '!=', value: 'unmatched' })).toBe(true);
  });
});
