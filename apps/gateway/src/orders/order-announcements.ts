import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { orderStatusSubject } from '@zhongtai/contracts';
import type { OrderView } from '@zhongtai/contracts';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';

/**
 * The order service's status announcements (core NATS, after commit, with the whole order),
 * received once per gateway and handed to every listener: the waiting requests and the
 * flash-sale gate. An announcement can be lost; no listener may depend on every one.
 */
@Injectable()
export class OrderAnnouncements implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OrderAnnouncements.name);
  private readonly listeners: ((order: OrderView) => void)[] = [];
  private subscription?: Subscription;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  listen(listener: (order: OrderView) => void): void {
    this.listeners.push(listener);
  }

  onModuleInit(): void {
    this.subscription = this.nats.subscribe(orderStatusSubject(this.config.natsPrefix, '*'), {
      callback: (error, message) => {
        if (error) return this.logger.warn(`status announcements: ${String(error)}`);
        let order: OrderView;
        try {
          order = message.json<OrderView>();
        } catch (parseError) {
          return this.logger.warn(`malformed status announcement: ${String(parseError)}`);
        }
        for (const listener of this.listeners) listener(order);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
