import { EnvReader } from '../config/env';

/**
 * Where a process sends its spans, and which share of traces it keeps. Unset endpoint: tracing
 * is off, no SDK starts, and the OpenTelemetry API's calls in the code are no-ops.
 */
export interface TracingConfig {
  /** OTLP/HTTP base URL (`/v1/traces` is appended), from OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  /**
   * The share of new traces recorded (OTEL_TRACES_SAMPLER_ARG, 0 to 1, default 1); a span whose
   * parent came from another service follows the parent's decision, so a trace is whole or absent.
   */
  sampleRatio: number;
}

const RATIO = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;

export function loadTracingConfig(source: Record<string, string | undefined> = process.env): TracingConfig {
  const env = new EnvReader(source);
  const endpoint = source.OTEL_EXPORTER_OTLP_ENDPOINT
    ? env.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'])
    : undefined;
  const ratio = env.string('OTEL_TRACES_SAMPLER_ARG', {
    default: '1',
    pattern: RATIO,
    describe: 'a number from 0 to 1',
  });
  env.done();
  return { endpoint: endpoint?.replace(/\/+$/, ''), sampleRatio: Number(ratio) };
}
