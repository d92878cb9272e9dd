/**
 * Preloaded into a service by the checkout profile (`node --require`): counts the SQL
 * statements the process sends, by their first word and by their text (whitespace collapsed,
 * cut at 100 characters), and writes the counts to `$SQL_COUNT_DIR/<service>.json` and
 * `<service>.statements.json` four times a second. Nothing else changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.SQL_COUNT_DIR;
if (dir) {
  const service = /apps\/(\w+)\//.exec(process.argv[1] ?? '')?.[1] ?? String(process.pid);
  // The service's own copy of pg, not one next to this file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require(require.resolve('pg', { paths: [process.cwd()] })) as {
    Client: { prototype: { query: (...args: unknown[]) => unknown } };
  };
  const counts: Record<string, number> = {};
  const statements: Record<string, number> = {};
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const kind = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'OTHER';
    counts[kind] = (counts[kind] ?? 0) + 1;
    const statement = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    statements[statement] = (statements[statement] ?? 0) + 1;
    return query.apply(this, args);
  };
  const file = join(dir, `${service}.json`);
  const statementsFile = join(dir, `${service}.statements.json`);
  setInterval(() => {
    writeFileSync(file, JSON.stringify(counts));
    writeFileSync(statementsFile, JSON.stringify(statements));
  }, 250).unref();
}
