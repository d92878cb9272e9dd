import { Logger } from '@nestjs/common';
import type { ReconciliationFinding } from '@zhongtai/contracts';
import type { EntityManager } from 'typeorm';

const logger = new Logger('ProviderFindings');

export type Found = Omit<ReconciliationFinding, 'statementDate' | 'foundAt'>;

/**
 * Records, outside a reconciliation run, what the payment service refused of the provider's word
 * (a notification or the back-check's answer), where operators read the reconciliation's
 * findings (GET /admin/payments/reconciliation), dated today (UTC). A finding of that day, order
 * and kind recorded before keeps its row and gains this detail, so that neither is lost.
 */
export async function recordFinding(manager: EntityManager, found: Found): Promise<void> {
  await manager.query(
    `INSERT INTO provider_reconciliation_findings (statement_date, order_id, provider_payment_id, kind, detail, repaired)
     VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, $3, $4, $5)
     ON CONFLICT (statement_date, order_id, kind) DO UPDATE
       SET detail = provider_reconciliation_findings.detail || '; ' || excluded.detail,
           repaired = excluded.repaired
       WHERE strpos(provider_reconciliation_findings.detail, excluded.detail) = 0`,
    [found.orderId, found.providerPaymentId, found.kind, found.detail, found.repaired],
  );
  const action = found.repaired ? 'repaired' : 'to look at';
  logger.warn(`order ${found.orderId}: ${found.kind} (${action}): ${found.detail}`);
}
