import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant's money in sixteen accounts (see MERCHANT_SHARDS), so that concurrent charges
 * lock different rows. The one merchant account of before stays: it holds the charges posted
 * to it, and their refunds debit it.
 */
export class MerchantShards1764000000310 implements MigrationInterface {
  name = 'MerchantShards1764000000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO accounts (id, kind) SELECT 'merchant:' || n, 'MERCHANT' FROM generate_series(0, 15) AS n
       ON CONFLICT (id) DO NOTHING`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM accounts WHERE id LIKE 'merchant:%' AND balance_cents = 0`);
  }
}
