import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { orderStatusSubject } from '@zhongtai/contracts';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { OrderView } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';
import { statusChanges } from './order-transitions';

/**
 * Announces order status changes on core NATS once their transaction has committed, with the
 * order as it now is, so that the gateway can answer `Prefer: wait` without polling PostgreSQL.
 * A lost announcement only costs a waiting client its wait; the order itself is in the database.
 */
@Injectable()
export class OrderStatusPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OrderStatusPublisher.name);
  private stopListening?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onModuleInit(): void {
    this.stopListening = statusChanges.listen(this.dataSource, (changes) => {
      for (const order of changes) this.announce(order);
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** Announces the whole order as committed, so that a waiting gateway needs no further request. */
  private announce(order: OrderView): void {
    try {
      this.nats.publish(orderStatusSubject(this.config.natsPrefix, order.id), JSON.stringify(order));
    } catch (error) {
      this.logger.warn(`status of ${order.id} not announced: ${String(error)}`);
    }
  }
}
