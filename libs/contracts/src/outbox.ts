/**
 * What one service's saga outbox holds that its relay has not yet published, as every
 * service's stats answer reports it (libs/saga's `SagaQueries.outboxBacklog`).
 */
export interface OutboxBacklog {
  unsent: number;
  /** Seconds since the oldest unsent message was written; null when there is none. */
  oldestAgeSeconds: number | null;
}

/** A service's stats answer (`OrderRpc.stats`, `InventoryRpc.stats`, ...): its figures and its outbox's backlog. */
export type WithOutboxBacklog<Stats> = Stats & { outboxBacklog: OutboxBacklog };
