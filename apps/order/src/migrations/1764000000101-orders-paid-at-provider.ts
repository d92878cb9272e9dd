import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders paid at the provider: AWAITING_PAYMENT while the customer pays there, and where they
 * pay (the pay URL) until when.
 */
export class OrdersPaidAtProvider1764000000101 implements MigrationInterface {
  name = 'OrdersPaidAtProvider1764000000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE orders DROP CONSTRAINT orders_status_check');
    await queryRunner.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_status_check
        CHECK (status IN ('PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'))`);
    await queryRunner.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_payment_method CHECK (payment_method IN ('wallet', 'provider'))`);
    await queryRunner.query('ALTER TABLE orders ADD COLUMN pay_url text, ADD COLUMN payment_expires_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE orders DROP COLUMN pay_url, DROP COLUMN payment_expires_at');
    await queryRunner.query('ALTER TABLE orders DROP CONSTRAINT orders_payment_method');
    await queryRunner.query('ALTER TABLE orders DROP CONSTRAINT orders_status_check');
    await queryRunner.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_status_check
        CHECK (status IN ('PENDING', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'))`);
  }
}
