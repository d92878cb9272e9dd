import { Client } from 'pg';
import type { QueryConfig } from 'pg';

/** Distinct statements named across the process, and per connection; past that, statements go unnamed. */
const MAX_NAMED_STATEMENTS = 2_000;
const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `zt_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A node-postgres client that sends every statement with parameters as a named prepared
 * statement, so that PostgreSQL parses it once per connection and can keep its plan. Measured
 * under the checkout benchmark (pg_stat_statements), planning took a third of the statements'
 * time: TypeORM and node-postgres otherwise send each statement unnamed, parsed and planned
 * anew. Statements without parameters (BEGIN, COMMIT, SAVEPOINT) are sent as they are.
 * Not for use behind a pooler in transaction mode, where a connection's prepared statements
 * may belong to another client.
 */
export class PreparingClient extends Client {}

type PlainQuery = (this: Client, ...args: unknown[]) => unknown;
PreparingClient.prototype.query = function (this: Client, ...args: unknown[]) {
  const [config, values] = args;
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
    const name = nameOf(config);
    if (name) args = [{ name, text: config, values } satisfies QueryConfig, ...args.slice(2)];
  }
  // Read at each call, not once at load: tracing wraps Client's query after this file loaded.
  return (Client.prototype.query as PlainQuery).apply(this, args);
} as Client['query'];
