import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant orders whose lookup (the merchant's back-check) a test makes fail, one row each,
 * in the database like the notification faults, so that every replica fails the same ones.
 */
export class QueryFaults1764000000901 implements MigrationInterface {
  name = 'QueryFaults1764000000901';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE provider_query_faults (merchant_order_id text PRIMARY KEY)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE provider_query_faults');
  }
}
