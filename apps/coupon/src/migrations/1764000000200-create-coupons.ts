import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coupons and their redemptions. A LOCKED redemption counts against both caps while it is
 * held (a semantic lock), so `held` can never pass `max_redemptions`.
 */
export class CreateCoupons1764000000200 implements MigrationInterface {
  name = 'CreateCoupons1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE coupons (
        code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
        kind text NOT NULL CHECK (kind IN ('FIXED', 'PERCENT')),
        value integer NOT NULL CHECK (value > 0),
        min_subtotal_cents integer NOT NULL DEFAULT 0 CHECK (min_subtotal_cents >= 0),
        max_redemptions integer NOT NULL CHECK (max_redemptions > 0),
        per_customer_limit integer NOT NULL CHECK (per_customer_limit > 0),
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        held integer NOT NULL DEFAULT 0 CHECK (held >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coupons_percent_range CHECK (kind <> 'PERCENT' OR value <= 100),
        CONSTRAINT coupons_window CHECK (valid_from < valid_until),
        CONSTRAINT coupons_held_within_cap CHECK (held <= max_redemptions)
      )`);
    await queryRunner.query(`
      CREATE TABLE coupon_redemptions (
        id uuid PRIMARY KEY,
        coupon_code text NOT NULL REFERENCES coupons (code),
        customer_id uuid NOT NULL,
        order_id uuid NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('LOCKED', 'REDEEMED', 'RELEASED')),
        discount_cents integer NOT NULL CHECK (discount_cents >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX coupon_redemptions_held ON coupon_redemptions (coupon_code, customer_id)
         WHERE status <> 'RELEASED'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE coupon_redemptions');
    await queryRunner.query('DROP TABLE coupons');
  }
}
