import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { ServiceConfig } from '../config/service-config';
import { NATS_CONNECTION, SERVICE_CONFIG } from '../tokens';

/**
 * Connects as the service's own user, and hears replies on an inbox prefix of its own, the only
 * one its permissions let it subscribe to (so that no service reads another's replies).
 * Reconnects forever: a NATS outage is something to wait out, not a reason to crash. No async
 * traces: the client would otherwise build an Error with a stack for every request and
 * JetStream publish, in case it times out, which the profile showed on the hot path.
 */
export function natsConnectionOptions(config: ServiceConfig, role: string) {
  return {
    servers: config.natsUrl,
    name: `${config.service}-${role}`,
    user: config.service,
    pass: config.natsPassword,
    inboxPrefix: `_INBOX_${config.service}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    noAsyncTraces: true,
  };
}

export const natsConnectionProvider: Provider = {
  provide: NATS_CONNECTION,
  inject: [SERVICE_CONFIG],
  useFactory: (config: ServiceConfig): Promise<NatsConnection> => connect(natsConnectionOptions(config, 'core')),
};

/** Drains the shared connection last, after everything that publishes on it has stopped. */
@Injectable()
export class NatsConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('NATS');

  constructor(@Inject(NATS_CONNECTION) private readonly nats: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.nats.isClosed()) return;
    await this.nats.drain().catch((error: unknown) => this.logger.warn(`drain failed: ${String(error)}`));
  }
}
