import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Products with their stock, reservations and stock adjustments. Stock can neither go negative
 * nor be reserved beyond what is on hand: the database says so, not only the code.
 */
export class CreateStock1764000000000 implements MigrationInterface {
  name = 'CreateStock1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        sku text PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        stock_on_hand integer NOT NULL CHECK (stock_on_hand >= 0),
        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        sold integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reserved_within_stock CHECK (reserved <= stock_on_hand)
      )`);
    await queryRunner.query(`
      CREATE TABLE reservations (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED')),
        lines jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE stock_adjustments (
        reference text PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 200),
        sku text NOT NULL REFERENCES products (sku),
        delta integer NOT NULL CHECK (delta <> 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE stock_adjustments');
    await queryRunner.query('DROP TABLE reservations');
    await queryRunner.query('DROP TABLE products');
  }
}
