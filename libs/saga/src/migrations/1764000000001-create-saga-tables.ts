import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The library's tables, in every database that runs a saga participant or orchestrator:
 * - saga_outbox: messages written in the same transaction as the change that caused them;
 * - saga_barrier: one row per (saga, step, phase) a participant has seen, with its reply;
 * - saga_instance and saga_timeline: the orchestrator's log, the truth about every saga.
 */
export class CreateSagaTables1764000000001 implements MigrationInterface {
  name = 'CreateSagaTables1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE saga_outbox (
        id text PRIMARY KEY,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX saga_outbox_unsent ON saga_outbox (created_at) WHERE sent_at IS NULL');
    await queryRunner.query('CREATE INDEX saga_outbox_sent ON saga_outbox (sent_at) WHERE sent_at IS NOT NULL');
    await queryRunner.query(`
      CREATE TABLE saga_barrier (
        saga_id uuid NOT NULL,
        step integer NOT NULL,
        phase text NOT NULL CHECK (phase IN ('action', 'compensation')),
        reply jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (saga_id, step, phase)
      )`);
    await queryRunner.query('CREATE INDEX saga_barrier_created ON saga_barrier (created_at)');
    await queryRunner.query(`
      CREATE TABLE saga_instance (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        definition_version integer NOT NULL,
        status text NOT NULL
          CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED')),
        data jsonb NOT NULL,
        outputs jsonb NOT NULL DEFAULT '{}',
        current_step integer NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        compensations integer[] NOT NULL DEFAULT '{}',
        failure jsonb,
        parked_from text,
        headers jsonb NOT NULL DEFAULT '{}',
        deadline_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX saga_instance_due ON saga_instance (deadline_at)
         WHERE status IN ('RUNNING', 'COMPENSATING')`,
    );
    await queryRunner.query('CREATE INDEX saga_instance_listing ON saga_instance (created_at DESC, id DESC)');
    await queryRunner.query(`
      CREATE TABLE saga_timeline (
        id bigserial PRIMARY KEY,
        saga_id uuid NOT NULL REFERENCES saga_instance (id) ON DELETE CASCADE,
        step integer NOT NULL,
        step_name text NOT NULL,
        phase text NOT NULL,
        attempt integer NOT NULL,
        outcome text NOT NULL,
        reason text,
        error text,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query('CREATE INDEX saga_timeline_saga ON saga_timeline (saga_id, id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE saga_timeline');
    await queryRunner.query('DROP TABLE saga_instance');
    await queryRunner.query('DROP TABLE saga_barrier');
    await queryRunner.query('DROP TABLE saga_outbox');
  }
}
