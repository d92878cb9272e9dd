import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operators' history of stock adjustments: each records the stock on hand it left (null for
 * those made before this column existed: reservations change the stock too, so it cannot be
 * derived), and the list, newest first, reads one index range.
 */
export class StockAdjustmentsHistory1764000000001 implements MigrationInterface {
  name = 'StockAdjustmentsHistory1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE stock_adjustments ADD COLUMN stock_on_hand_after integer');
    await queryRunner.query(
      'CREATE INDEX stock_adjustments_newest ON stock_adjustments (created_at DESC, reference DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX stock_adjustments_newest');
    await queryRunner.query('ALTER TABLE stock_adjustments DROP COLUMN stock_on_hand_after');
  }
}
