import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@zhongtai/platform';
import { DATABASES } from '../../scripts/lib/services';
import { createTestDatabase } from '../support/infrastructure';

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe.each(Object.entries(DATABASES))('migrations of %s', (service, definition) => {
  it('run up, down to nothing and up again on a fresh database', async () => {
    const database = await createTestDatabase(`mig_${service}`);
    const dataSource = new DataSource(dataSourceOptions(database.url, definition!));
    await dataSource.initialize();
    try {
      const ran = await dataSource.runMigrations();
      expect(ran.length).toBe((definition!.migrations as unknown[]).length);
      const migrated = await tables(dataSource);
      expect(migrated).toEqual(expect.arrayContaining(['saga_outbox', 'saga_barrier', 'migrations']));

      for (let i = 0; i < ran.length; i++) await dataSource.undoLastMigration();
      expect(await tables(dataSource)).toEqual(['migrations']);

      await dataSource.runMigrations();
      expect(await tables(dataSource)).toEqual(migrated);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
