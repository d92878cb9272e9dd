import type { NatsConnection } from '@nats-io/transport-node';
import { context } from '@opentelemetry/api';
import { SagaModule } from '@zhongtai/saga';
import type { AnySagaDefinition, PropagationHooks, SagaRuntimeOptions } from '@zhongtai/saga';
import { DataSource } from 'typeorm';
import type { ServiceConfig } from '../config/service-config';
import {
  acceptCorrelationId,
  CORRELATION_HEADER,
  currentCorrelationId,
  runWithCorrelationId,
} from '../correlation/correlation';
import { MetricsService } from '../metrics/metrics.service';
import { NATS_CONNECTION, SERVICE_CONFIG } from '../tokens';
import { contextOfMessage } from '../tracing/message-context';
import { tracingStarted } from '../tracing/tracing';

/**
 * The correlation id rides along with every saga message, so each step logs it; with tracing
 * on, each handler runs in its message's trace (the traceparent itself is libs/saga's).
 */
export const correlationPropagation: PropagationHooks = {
  inject: (): Record<string, string> => {
    const correlationId = currentCorrelationId();
    return correlationId ? { [CORRELATION_HEADER]: correlationId } : {};
  },
  run: (headers, work) =>
    runWithCorrelationId(acceptCorrelationId(headers[CORRELATION_HEADER]), () =>
      tracingStarted() ? context.with(contextOfMessage(headers), work) : work(),
    ),
};

/**
 * libs/saga in a Zhongtai service: its database, NATS connection, subject prefix, metrics
 * registry and correlation ids. `sagas` are the ones this service orchestrates.
 */
export function sagaModule(options: { sagas?: AnySagaDefinition[]; tuning?: Partial<SagaRuntimeOptions> } = {}) {
  return SagaModule.forRootAsync({
    inject: [SERVICE_CONFIG, NATS_CONNECTION, DataSource, MetricsService],
    useFactory: (config: ServiceConfig, nats: NatsConnection, dataSource: DataSource, metrics: MetricsService) => ({
      service: config.service,
      subjectPrefix: config.natsPrefix,
      dataSource,
      nats,
      registry: metrics.registry,
      propagation: correlationPropagation,
      sagas: options.sagas ?? [],
      ...options.tuning,
      topology: { replicas: config.sagaStreamReplicas, ...options.tuning?.topology },
    }),
  });
}
