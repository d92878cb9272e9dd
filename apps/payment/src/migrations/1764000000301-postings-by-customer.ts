import { MigrationInterface, QueryRunner } from 'typeorm';

/** A wallet's statement (its postings, newest first) reads one index range, not the whole table. */
export class PostingsByCustomer1764000000301 implements MigrationInterface {
  name = 'PostingsByCustomer1764000000301';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX postings_by_customer ON postings (customer_id, created_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX postings_by_customer');
  }
}
