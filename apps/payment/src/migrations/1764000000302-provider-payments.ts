import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments at the provider. One row per order: what was opened there and where it stands,
 * with the saga step whose reply waits for it. The notifications received (idempotency per
 * provider notification), the nonces seen within the tolerance (replay refusal), and what the
 * reconciliation with the provider's daily statement found (repaired or to look at). The
 * `provider` account is where money received through the provider comes from: like funding,
 * outside money, so it may go negative; its balance, negated, is what the provider collected
 * net of refunds.
 */
export class ProviderPayments1764000000302 implements MigrationInterface {
  name = 'ProviderPayments1764000000302';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_payments (
        order_id text PRIMARY KEY,
        customer_id uuid NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        provider_payment_id uuid NOT NULL UNIQUE,
        pay_url text NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'AWAITING_PAYMENT'
          CHECK (status IN ('AWAITING_PAYMENT', 'PAID', 'FAILED', 'CLOSED', 'REFUNDED')),
        saga_id uuid,
        collect_step int,
        created_at timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        settled_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE INDEX provider_payments_awaiting ON provider_payments (checked_at) WHERE status = 'AWAITING_PAYMENT'`);
    await queryRunner.query(`
      CREATE TABLE provider_notifications_received (
        notification_id text PRIMARY KEY,
        provider_payment_id text NOT NULL,
        status text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE provider_nonces (
        nonce text PRIMARY KEY,
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX provider_nonces_by_age ON provider_nonces (seen_at)');
    await queryRunner.query(`
      CREATE TABLE provider_reconciliation_findings (
        id bigserial PRIMARY KEY,
        statement_date date NOT NULL,
        order_id text NOT NULL,
        provider_payment_id text,
        kind text NOT NULL,
        detail text NOT NULL,
        repaired boolean NOT NULL,
        found_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_findings_once UNIQUE (statement_date, order_id, kind)
      )`);
    await queryRunner.query(`INSERT INTO accounts (id, kind) VALUES ('provider', 'FUNDING')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM accounts WHERE id = 'provider'`);
    await queryRunner.query(
      'DROP TABLE provider_reconciliation_findings, provider_nonces, provider_notifications_received, provider_payments',
    );
  }
}
