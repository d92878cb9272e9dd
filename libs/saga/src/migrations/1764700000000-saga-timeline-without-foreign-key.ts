import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline no longer references saga_instance: the check of that key took a share lock on
 * the instance row for every timeline entry, in the very statement that updates the row, and
 * cost the orchestrator's database more than the update itself. Timeline entries are written
 * only by the statement that writes their instance, and retention deletes both together.
 */
export class SagaTimelineWithoutForeignKey1764700000000 implements MigrationInterface {
  name = 'SagaTimelineWithoutForeignKey1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE saga_timeline DROP CONSTRAINT saga_timeline_saga_id_fkey');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM saga_timeline t WHERE NOT EXISTS (SELECT FROM saga_instance i WHERE i.id = t.saga_id)',
    );
    await queryRunner.query(
      `ALTER TABLE saga_timeline ADD CONSTRAINT saga_timeline_saga_id_fkey
         FOREIGN KEY (saga_id) REFERENCES saga_instance (id) ON DELETE CASCADE`,
    );
  }
}
