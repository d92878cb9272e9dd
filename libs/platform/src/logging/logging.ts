import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers, stdTimeFunctions } from 'pino';
import { ServiceConfig } from '../config/service-config';
import { currentCorrelationId } from '../correlation/correlation';
import { activeTraceIds } from '../tracing/tracing';

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

function requestForLogs(req: IncomingMessage & { id?: unknown; originalUrl?: string }) {
  return { id: req.id, method: req.method, url: req.originalUrl ?? req.url };
}

/** The status alone: pino's own serializer adds every response header to each access line. */
function responseForLogs(res: ServerResponse) {
  return { statusCode: res.headersSent ? res.statusCode : null };
}

/**
 * Structured JSON logs. Every line carries the service name and, while a request or message
 * is being handled, its correlation id, whichever transport brought it, and with tracing on
 * the trace and span ids (`trace_id`, `span_id`) of the span it was written in.
 */
export function loggingModule(config: ServiceConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      base: { service: config.service },
      timestamp: stdTimeFunctions.isoTime,
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      mixin: () => {
        const correlationId = currentCorrelationId();
        const ids = activeTraceIds();
        return correlationId ? { correlationId, ...ids } : ids;
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.includes(req.url ?? '') },
      // The request as every line of it shows it. pino serializes a request logger's bindings
      // when the request arrives, logged or not, so this runs per request: no headers (none of
      // Authorization, Cookie or Idempotency-Key can reach a log), nothing to redact.
      wrapSerializers: false,
      serializers: { req: requestForLogs, res: responseForLogs, err: stdSerializers.err },
    },
  });
}
