import { HttpStatus, Inject } from '@nestjs/common';
import { ServerNats } from '@nestjs/microservices';
import { errors, headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { ServiceConfig, ServiceName } from '../config/service-config';
import { CORRELATION_HEADER, currentCorrelationId } from '../correlation/correlation';
import { ProblemException } from '../http/problem';
import { NATS_CONNECTION, SERVICE_CONFIG } from '../tokens';
import { traceRpcRequest } from '../tracing/rpc-tracing';
import { natsConnectionOptions } from './nats-connection.provider';

type ServerNatsOptions = ConstructorParameters<typeof ServerNats>[0];
type NatsClient = Parameters<ServerNats['bindEvents']>[0];

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

/** How long a request waits between tries while no replica of the service listens (one is restarting). */
const NO_RESPONDERS_RETRY_MS = 100;

/**
 * The client side: same prefix, the caller's correlation id and trace context in the message headers, and Nest's
 * packet format, so that ServiceRpcServer answers it. Requests go over the service's one
 * shared NATS connection, through the client's single reply subscription: a request is one
 * write, where Nest's ClientNats subscribed and unsubscribed a reply inbox for each (three)
 * on a connection of its own per target service.
 */
export class ServiceRpcClient {
  constructor(
    private readonly subjectPrefix: string,
    private readonly nats: NatsConnection,
  ) {}

  /**
   * Sends a request and waits for the reply. A client error the service answered with (a
   * problem below 500) passes on unchanged; anything else becomes a 502, or a 504 when no
   * replica answered within `timeoutMs` (while none listens, the request is tried again).
   */
  async request<T>(subject: string, payload: unknown, timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const headers = natsHeaders();
    const correlationId = currentCorrelationId();
    if (correlationId) headers.set(CORRELATION_HEADER, correlationId);
    const packet = JSON.stringify({ pattern: subject, data: payload, id: randomUUID() });
    for (;;) {
      try {
        const reply = await traceRpcRequest(subject, headers, () =>
          this.nats.request(`${this.subjectPrefix}.${subject}`, packet, {
            timeout: Math.max(1, deadline - Date.now()),
            headers,
          }),
        );
        return answerOf<T>(subject, reply.json<{ response?: T; err?: unknown }>());
      } catch (error) {
        if (error instanceof ProblemException) throw error;
        const cause = error instanceof errors.RequestError ? (error.cause ?? error) : error;
        const retry = cause instanceof errors.NoRespondersError && Date.now() + NO_RESPONDERS_RETRY_MS < deadline;
        if (retry) await new Promise((resolve) => setTimeout(resolve, NO_RESPONDERS_RETRY_MS));
        else if (cause instanceof errors.TimeoutError || cause instanceof errors.NoRespondersError) {
          throw new ProblemException(
            HttpStatus.GATEWAY_TIMEOUT,
            'UPSTREAM_TIMEOUT',
            `${subject} did not answer in time`,
          );
        } else throw new ProblemException(HttpStatus.BAD_GATEWAY, 'UPSTREAM_FAILED', `${subject} failed`);
      }
    }
  }
}

/** The service's answer, or its client error passed on; any other failure is the upstream's. */
function answerOf<T>(subject: string, packet: { response?: T; err?: unknown }): T {
  if (packet.err === undefined || packet.err === null) return packet.response as T;
  const problem = packet.err as { status?: unknown; code?: unknown; detail?: unknown; errors?: never };
  if (typeof problem.status === 'number' && problem.status < 500 && typeof problem.code === 'string') {
    throw new ProblemException(problem.status, problem.code, String(problem.detail ?? ''), problem.errors);
  }
  throw new ProblemException(HttpStatus.BAD_GATEWAY, 'UPSTREAM_FAILED', `${subject} failed`);
}

export const rpcClientToken = (target: ServiceName): string => `RPC_CLIENT_${target}`;

/** Injects the request/reply client for one target service. */
export const InjectRpcClient = (target: ServiceName): ParameterDecorator => Inject(rpcClientToken(target));

export function rpcClientProvider(target: ServiceName) {
  return {
    provide: rpcClientToken(target),
    inject: [SERVICE_CONFIG, NATS_CONNECTION],
    useFactory: (config: ServiceConfig, nats: NatsConnection) => new ServiceRpcClient(config.natsPrefix, nats),
  };
}
