import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { orderStatusSubject } from '@zhongtai/contracts';
import { NATS_CONNECTION, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import { DataSource } from 'typeorm';
import { Order } from './order.entity';
import { statusChanges } from './order-transitions';
import { toOrderView } from './order.view';

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
      for (const change of changes) void this.announce(change.orderId);
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** Announces the whole order as committed, so that a waiting gateway needs no further request. */
  private async announce(orderId: string): Promise<void> {
    try {
      const order = await this.dataSource.getRepository(Order).findOneByOrFail({ id: orderId });
      this.nats.publish(orderStatusSubject(this.config.natsPrefix, orderId), JSON.stringify(toOrderView(order)));
    } catch (error) {
      this.logger.warn(`status of ${orderId} not announced: ${String(error)}`);
    }
  }
}
