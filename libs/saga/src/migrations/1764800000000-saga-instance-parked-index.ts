import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parked sagas, by type, for the `saga_parked_now` gauge read at every scrape: a partial
 * index holds only them (none, on a healthy day), so the count reads no other instance.
 */
export class SagaInstanceParkedIndex1764800000000 implements MigrationInterface {
  name = 'SagaInstanceParkedIndex1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX saga_instance_parked ON saga_instance (type) WHERE status = 'PARKED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX saga_instance_parked');
  }
}
