/**
 * Where the console sends an operator to see a saga's trace: the trace viewer's page of one
 * trace, `<VITE_TRACE_UI_URL>/trace/<traceId>` (Jaeger's form; Grafana Tempo's Explore takes a
 * URL of its own). Set at build time; docker-compose's Jaeger UI by default.
 */
const TRACE_UI = (import.meta.env.VITE_TRACE_UI_URL ?? 'http://127.0.0.1:16686').replace(/\/+$/, '');

export function traceUrl(traceId: string): string {
  return `${TRACE_UI}/trace/${encodeURIComponent(traceId)}`;
}
