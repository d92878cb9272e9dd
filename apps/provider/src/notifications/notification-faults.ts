import type { EntityManager } from 'typeorm';

/**
 * What a test asks the sender to do wrong, all off by default: send a delivered notification
 * again (`duplicate`), hold every new one back (`delayMs`), hold some back once so that later
 * ones overtake them (`reorder`), or never send some at all (`drop`). Rates are 0 to 1.
 */
export interface NotificationFaults {
  duplicate: number;
  delayMs: number;
  reorder: number;
  drop: number;
}

export const NO_FAULTS: NotificationFaults = { duplicate: 0, delayMs: 0, reorder: 0, drop: 0 };

export async function readFaults(manager: EntityManager): Promise<NotificationFaults> {
  const [row] = (await manager.query(
    'SELECT duplicate_rate, delay_ms, reorder_rate, drop_rate FROM provider_notification_faults',
  )) as { duplicate_rate: number; delay_ms: number; reorder_rate: number; drop_rate: number }[];
  if (!row) return NO_FAULTS;
  return { duplicate: row.duplicate_rate, delayMs: row.delay_ms, reorder: row.reorder_rate, drop: row.drop_rate };
}

export async function writeFaults(manager: EntityManager, faults: NotificationFaults): Promise<void> {
  await manager.query(
    `UPDATE provider_notification_faults SET duplicate_rate = $1, delay_ms = $2, reorder_rate = $3, drop_rate = $4`,
    [faults.duplicate, faults.delayMs, faults.reorder, faults.drop],
  );
}
