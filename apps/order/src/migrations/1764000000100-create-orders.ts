import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers (the accounts the gateway authenticates) and their orders. One order per
 * (customer, idempotency key), whatever happens to the gateway's Redis.
 */
export class CreateOrders1764000000100 implements MigrationInterface {
  name = 'CreateOrders1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX customers_email ON customers (lower(email))');
    await queryRunner.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customers (id),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED')),
        items jsonb NOT NULL,
        subtotal_cents integer NOT NULL CHECK (subtotal_cents >= 0),
        discount_cents integer NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
        total_cents integer NOT NULL CHECK (total_cents >= 0),
        currency text NOT NULL DEFAULT 'CNY',
        coupon_code text,
        payment_method text NOT NULL DEFAULT 'wallet',
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_one_per_idempotency_key UNIQUE (customer_id, idempotency_key),
        CONSTRAINT orders_discount_within_subtotal CHECK (discount_cents <= subtotal_cents),
        CONSTRAINT orders_total CHECK (total_cents = subtotal_cents - discount_cents)
      )`);
    await queryRunner.query('CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE orders');
    await queryRunner.query('DROP TABLE customers');
  }
}
