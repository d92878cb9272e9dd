import { HttpStatus, Inject } from '@nestjs/common';
import { ClientNats, ServerNats } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ServiceConfig, ServiceName } from '../config/service-config';
import { CORRELATION_HEADER, currentCorrelationId } from '../correlation/correlation';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { ProblemException } from '../http/problem';
import { SERVICE_CONFIG } from '../tokens';
import { natsConnectionOptions } from './nats-connection.provider';

type ServerNatsOptions = ConstructorParameters<typeof ServerNats>[0];
type NatsClient = Parameters<ServerNats['bindEvents']>[0];
type NatsHeaders = ReturnType<typeof natsHeaders>;

const DEFAULT_RPC_TIMEOUT_MS = 5000;

/**
 * Nest's NATS request/reply server, with every subject under the deployment's prefix so that
 * several deployments (or test runs) can share one NATS server without hearing each other.
 */
export class ServiceRpcServer extends ServerNats {
  constructor(
    private readonly subjectPrefix: string,
    private readonly queue: string,
    options: ServerNatsOptions,
  ) {
    super({ ...options, queue });
  }

  override bindEvents(client: NatsClient): void {
    // `subscriptions` is private in the typings; ServerNats.close() unsubscribes them on shutdown.
    const owned = (this as unknown as { subscriptions: ReturnType<NatsClient['subscribe']>[] }).subscriptions;
    for (const channel of this.messageHandlers.keys()) {
      const subscription = client.subscribe(`${this.subjectPrefix}.${channel}`, {
        queue: this.queue,
        callback: this.getMessageHandler(channel).bind(this),
      });
      owned.push(subscription);
    }
  }
}

export function createRpcServer(config: ServiceConfig): ServiceRpcServer {
  return new ServiceRpcServer(config.natsPrefix, config.service, {
    ...natsConnectionOptions(config, 'rpc-server'),
    gracefulShutdown: true,
    gracePeriod: 500,
  });
}

/** The client side: same prefix, and the caller's correlation id in the message headers. */
export class ServiceRpcClient extends ClientNats {
  constructor(
    private readonly subjectPrefix: string,
    options: ConstructorParameters<typeof ClientNats>[0],
  ) {
    super(options);
  }

  /**
   * Sends a request and waits for the reply. A client error the service answered with (a
   * problem below 500) passes on unchanged; anything else becomes a 502 or 504.
   */
  async request<T>(subject: string, payload: unknown, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<T> {
    try {
      return await firstValueFrom(this.send<T>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new ProblemException(HttpStatus.GATEWAY_TIMEOUT, 'UPSTREAM_TIMEOUT', `${subject} did not answer in time`);
      }
      const problem = error as { status?: unknown; code?: unknown; detail?: unknown; errors?: never };
      if (typeof problem.status === 'number' && problem.status < 500 && typeof problem.code === 'string') {
        throw new ProblemException(problem.status, problem.code, String(problem.detail ?? ''), problem.errors);
      }
      throw new ProblemException(HttpStatus.BAD_GATEWAY, 'UPSTREAM_FAILED', `${subject} failed`);
    }
  }

  protected override normalizePattern(pattern: Parameters<ClientNats['normalizePattern']>[0]): string {
    return `${this.subjectPrefix}.${super.normalizePattern(pattern)}`;
  }

  protected override mergeHeaders<T = NatsHeaders>(requestHeaders?: T): T | undefined {
    const merged = (super.mergeHeaders(requestHeaders) ?? natsHeaders()) as NatsHeaders;
    const correlationId = currentCorrelationId();
    if (correlationId && !merged.has(CORRELATION_HEADER)) merged.set(CORRELATION_HEADER, correlationId);
    return merged as T;
  }
}

export const rpcClientToken = (target: ServiceName): string => `RPC_CLIENT_${target}`;

/** Injects the request/reply client for one target service. */
export const InjectRpcClient = (target: ServiceName): ParameterDecorator => Inject(rpcClientToken(target));

export function rpcClientProvider(target: ServiceName) {
  return {
    provide: rpcClientToken(target),
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) =>
      new ServiceRpcClient(config.natsPrefix, natsConnectionOptions(config, `rpc-client-${target}`)),
  };
}
