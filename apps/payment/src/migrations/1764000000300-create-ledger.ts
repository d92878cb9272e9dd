import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A double-entry ledger. Every posting's entries sum to zero (checked by the database at
 * commit), a wallet can never go negative, and a posting is unique per (kind, reference), which
 * makes credits, charges and refunds idempotent on their reference. A posting names the customer
 * it concerns, so that a credit reference reused for another customer is told apart from a retry.
 */
export class CreateLedger1764000000300 implements MigrationInterface {
  name = 'CreateLedger1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('WALLET', 'FUNDING', 'MERCHANT')),
        customer_id uuid UNIQUE,
        balance_cents bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounts_wallet_has_customer CHECK ((kind = 'WALLET') = (customer_id IS NOT NULL)),
        CONSTRAINT accounts_wallet_never_negative CHECK (kind <> 'WALLET' OR balance_cents >= 0),
        CONSTRAINT accounts_merchant_never_negative CHECK (kind <> 'MERCHANT' OR balance_cents >= 0),
        CONSTRAINT accounts_funding_never_positive CHECK (kind <> 'FUNDING' OR balance_cents <= 0)
      )`);
    await queryRunner.query(`
      INSERT INTO accounts (id, kind) VALUES ('funding', 'FUNDING'), ('merchant', 'MERCHANT')`);
    await queryRunner.query(`
      CREATE TABLE postings (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('CREDIT', 'CHARGE', 'REFUND')),
        reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
        customer_id uuid NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT postings_once_per_reference UNIQUE (kind, reference)
      )`);
    await queryRunner.query(`
      CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        posting_id uuid NOT NULL REFERENCES postings (id),
        account_id text NOT NULL REFERENCES accounts (id),
        amount_cents bigint NOT NULL CHECK (amount_cents <> 0)
      )`);
    await queryRunner.query('CREATE INDEX ledger_entries_posting ON ledger_entries (posting_id)');
    await queryRunner.query('CREATE INDEX ledger_entries_account ON ledger_entries (account_id)');
    await queryRunner.query(`
      CREATE FUNCTION ledger_posting_balances() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries WHERE posting_id = NEW.posting_id) <> 0 THEN
          RAISE EXCEPTION 'posting % does not sum to zero', NEW.posting_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balance
        AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ledger_posting_balances()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_entries');
    await queryRunner.query('DROP FUNCTION ledger_posting_balances');
    await queryRunner.query('DROP TABLE postings');
    await queryRunner.query('DROP TABLE accounts');
  }
}
