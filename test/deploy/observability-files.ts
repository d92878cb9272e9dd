/**
 * Reads the Grafana dashboards and the Prometheus alert rules of deploy/, and the PromQL in
 * them, for the checks of observability.spec.ts (the files' shape) and
 * observability.e2e-spec.ts (every metric they name exists in the services' /metrics).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const DASHBOARDS_DIR = join(ROOT, 'deploy', 'grafana', 'dashboards');
export const RULES_FILE = join(ROOT, 'deploy', 'prometheus', 'alerts.yml');

/* eslint-disable @typescript-eslint/no-explicit-any -- dashboards and rules are checked field by field */
export type Json = Record<string, any>;

export interface Dashboard {
  file: string;
  json: Json;
}

export function readDashboards(): Dashboard[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Json }));
}

/** Every panel of a dashboard, those nested in collapsed rows included. */
export function panelsOf(dashboard: Json): Json[] {
  return (dashboard.panels ?? []).flatMap((panel: Json) => [panel, ...(panel.panels ?? [])]);
}

export function readRules(text = readFileSync(RULES_FILE, 'utf8')): Json {
  return parse(text) as Json;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Each PromQL expression of the dashboards and the rules, with where it is. */
export function allExpressions(): Array<{ where: string; expr: string }> {
  const fromDashboards = readDashboards().flatMap(({ file, json }) =>
    panelsOf(json).flatMap((panel) =>
      (panel.targets ?? []).map((target: { expr: string; refId: string }) => ({
        where: `${file} "${panel.title}" ${target.refId}`,
        expr: target.expr,
      })),
    ),
  );
  const fromRules = (readRules().groups ?? []).flatMap((group: { rules: Array<{ alert: string; expr: string }> }) =>
    group.rules.map((rule) => ({ where: `alerts.yml ${rule.alert}`, expr: String(rule.expr) })),
  );
  return [...fromDashboards, ...fromRules];
}

// ---- PromQL, as far as metric names and their label matchers go ---------------------------

/** Names that PromQL gives a meaning and that are not series: aggregation modifiers, operators. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
]);

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** A PromQL double- or single-quoted string's value (Go escapes: \\ \" \' \n \t). */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

function parseMatchers(body: string): Matcher[] {
  const matchers: Matcher[] = [];
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*,?/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < body.length && (match = pattern.exec(body))) {
    matchers.push({ label: match[1], op: match[2] as Matcher['op'], value: unquote(match[3]) });
  }
  if (pattern.lastIndex < body.trim().length && body.trim() !== '') {
    throw new Error(`cannot read the label matchers {${body}}`);
  }
  return matchers;
}

/**
 * The series selectors of a PromQL expression: every metric name, with its label matchers.
 * Function names (followed by `(`), the label lists of by/without/on/ignoring/group_*,
 * keywords, numbers, durations and strings are not metric names.
 */
export function selectorsOf(expr: string): Selector[] {
  const selectors: Selector[] = [];
  const token =
    /\s+|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\{(?:[^}"']|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')*\})|(\[[^\]]*\])|(\d+(?:\.\d+)?(?:e[+-]?\d+)?[smhdwy]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(.)/gy;
  let match: RegExpExecArray | null;
  let previous: Selector | undefined;
  let skipLabelList = false;
  while ((match = token.exec(expr))) {
    const [text, , braces, , , identifier] = match;
    if (match[0].trim() === '') continue;
    if (braces !== undefined) {
      if (previous) previous.matchers = parseMatchers(braces.slice(1, -1));
      else if (!skipLabelList) throw new Error(`a selector without a metric name in ${expr}`);
      previous = undefined;
      continue;
    }
    if (skipLabelList) {
      if (text === ')') skipLabelList = false;
      continue;
    }
    if (identifier !== undefined) {
      const rest = expr.slice(token.lastIndex);
      const lower = identifier.toLowerCase();
      if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'].includes(lower)) {
        if (/^\s*\(/.test(rest)) skipLabelList = true;
        previous = undefined;
        continue;
      }
      // A keyword, a function, or an aggregation written `sum by (le) (...)`.
      if (KEYWORDS.has(lower) || /^\s*\(/.test(rest) || /^\s*(by|without)\s*\(/i.test(rest)) {
        previous = undefined;
        continue;
      }
      previous = { metric: identifier, matchers: [] };
      selectors.push(previous);
      continue;
    }
    previous = undefined;
  }
  return selectors;
}

// ---- the text exposition format -------------------------------------------------------------

export interface Family {
  name: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

/** Parses Prometheus' text format (what prom-client renders) into metric families. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const sampleNames = new Map<string, Family>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      const family: Family = { name: type[1], type: type[2], samples: [] };
      families.set(family.name, family);
      const suffixes = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] }[family.type] ?? [
        '',
      ];
      for (const suffix of suffixes) sampleNames.set(family.name + suffix, family);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample) throw new Error(`cannot read the sample line ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    sampleNames.get(sample[1])?.samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return families;
}

/**
 * The family a PromQL metric name reads: the name itself for a counter or gauge, and
 * `<histogram>_bucket`, `_sum` and `_count` for a histogram. A suffix is stripped only when what
 * remains is a histogram (or summary) family: `db_pool_waiting_count` would stay itself.
 */
export function familyOf(metric: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(metric);
  if (exact && exact.type !== 'histogram') return exact;
  const suffix = /_(bucket|sum|count)$/.exec(metric);
  if (!suffix) return undefined;
  const base = families.get(metric.slice(0, suffix.index));
  if (!base) return undefined;
  if (base.type === 'histogram') return base;
  if (base.type === 'summary' && suffix[1] !== 'bucket') return base;
  return undefined;
}

/** Whether a sample's labels satisfy a matcher (PromQL regexes are anchored at both ends). */
export function matches(labels: Record<string, string>, matcher: Matcher): boolean {
  const value = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
  }
}
