import { context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { TracingConfig } from './tracing-config';

/** What the process holds while it traces: flush and stop on shutdown. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: () => Promise.resolve() };
let started = false;
const UNTRACED_PATHS = ['/health/live', '/health/ready', '/metrics'];
/**
 * The modules the instrumentations patch. Required again once the SDK has started: the
 * require hooks patch a module's exports when it is next required, so a module loaded before
 * the hooks (Nest imports Express and ioredis at load) is patched too; their classes'
 * prototypes are what is patched, so clients and routers made afterwards are traced.
 */
const INSTRUMENTED_MODULES = ['http', 'https', 'express', 'pg', 'pg-pool', 'ioredis'];

/**
 * Starts OpenTelemetry for one service when an OTLP endpoint is configured: spans of HTTP,
 * Express, pg and ioredis, W3C trace context, a batch exporter over OTLP/HTTP (JSON). Without
 * an endpoint nothing starts, and every span the code asks for is the API's no-op.
 */
export function startTracing(service: string, config: TracingConfig): Tracing {
  if (!config.endpoint) return OFF;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    autoDetectResources: false,
    traceExporter: new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces` }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    textMapPropagator: new W3CTraceContextPropagator(),
    // Metrics stay with Prometheus, logs with stdout: the SDK would otherwise export both over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.includes(request.url ?? ''),
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  started = true;
  const requireAgain = createRequire(__filename);
  for (const name of INSTRUMENTED_MODULES) requireAgain(name);
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

/** True once this process started tracing: the platform's own spans are made only then. */
export function tracingStarted(): boolean {
  return started;
}

/** The ids of the active span, for log lines; empty outside a span or with tracing off. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
