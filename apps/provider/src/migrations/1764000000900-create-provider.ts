import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider's books: payments (one per merchant order), refunds (one per refund id), the
 * notifications it owes the merchant (a row until delivered or dropped, so that a restart
 * loses none) and the notification faults a test has set (one row, shared by replicas).
 */
export class CreateProvider1764000000900 implements MigrationInterface {
  name = 'CreateProvider1764000000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_payments (
        id uuid PRIMARY KEY,
        merchant_order_id text NOT NULL UNIQUE,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        currency text NOT NULL,
        notify_url text NOT NULL,
        pay_token text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'CLOSED', 'REFUNDED')),
        refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        succeeded_at timestamptz,
        closed_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX provider_payments_by_success ON provider_payments (succeeded_at)');
    await queryRunner.query(`
      CREATE TABLE provider_refunds (
        id text PRIMARY KEY,
        payment_id uuid NOT NULL REFERENCES provider_payments (id),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX provider_refunds_by_day ON provider_refunds (created_at)');
    await queryRunner.query(`
      CREATE TABLE provider_notifications (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL,
        payment_id uuid NOT NULL REFERENCES provider_payments (id),
        notify_url text NOT NULL,
        body text NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        failures int NOT NULL DEFAULT 0,
        duplicates_sent int NOT NULL DEFAULT 0,
        held_back boolean NOT NULL DEFAULT false,
        last_error text,
        delivered_at timestamptz,
        dropped_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE INDEX provider_notifications_due ON provider_notifications (next_attempt_at, seq)
        WHERE delivered_at IS NULL AND dropped_at IS NULL`);
    await queryRunner.query('CREATE INDEX provider_notifications_by_payment ON provider_notifications (payment_id)');
    await queryRunner.query(`
      CREATE TABLE provider_notification_faults (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        duplicate_rate double precision NOT NULL DEFAULT 0 CHECK (duplicate_rate BETWEEN 0 AND 1),
        delay_ms int NOT NULL DEFAULT 0 CHECK (delay_ms >= 0),
        reorder_rate double precision NOT NULL DEFAULT 0 CHECK (reorder_rate BETWEEN 0 AND 1),
        drop_rate double precision NOT NULL DEFAULT 0 CHECK (drop_rate BETWEEN 0 AND 1)
      )`);
    await queryRunner.query('INSERT INTO provider_notification_faults DEFAULT VALUES');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP TABLE provider_notification_faults, provider_notifications, provider_refunds, provider_payments',
    );
  }
}
