import { SHARED } from '../../../../test/support/infrastructure';
import { PreparingClient } from './prepared-statements';

describe('PreparingClient', () => {
  const client = new PreparingClient({ connectionString: `${SHARED.postgres}/postgres` });

  beforeAll(() => client.connect());
  afterAll(() => client.end());

  const prepared = async () =>
    (await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
      (row) => row.statement,
    );

  it('prepares a statement with parameters once per connection and answers it like any query', async () => {
    const text = 'SELECT $1::integer + 1 AS next';
    expect((await client.query(text, [1])).rows).toEqual([{ next: 2 }]);
    expect((await client.query(text, [41])).rows).toEqual([{ next: 42 }]);
    expect((await prepared()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('sends statements without parameters unnamed', async () => {
    await client.query('SELECT 7 AS seven');
    await client.query('SELECT 7 AS seven', []);
    expect(await prepared()).not.toContain('SELECT 7 AS seven');
  });
});
