'use strict';
/**
 * The DBOS Transact node of `npm run bench:peers` (spawned by bench/peers/peers.bench.ts):
 * the two-step transfer as a DBOS workflow whose steps are transactions of
 * @dbos-inc/knex-datasource, one data source per bank database. Each step's writes and the
 * data source's record of the step's output (table dbos.transaction_completion in the bank's
 * database, keyed by workflow id and function id) commit in one PostgreSQL transaction: a
 * re-executed workflow (recovery) finds the record and returns the recorded output instead of
 * running the step again. The workflow id is the transfer id.
 *
 * HTTP: POST /transfer {transferId, from, to, amountCents} -> {outcome} once the workflow ended.
 * Env: PEERS_PORT, PEERS_SYSTEM_DATABASE_URL, PEERS_BANK_A_URL, PEERS_BANK_B_URL,
 *      PEERS_POOL_SYSTEM (16), PEERS_POOL_BANK (12).
 */
const http = require('node:http');
const { DBOS } = require('@dbos-inc/dbos-sdk');
const { KnexDataSource } = require('@dbos-inc/knex-datasource');
const { withdraw, refund, deposit, movements, readJson, stopWithParent } = require('./bank-sql');

const env = process.env;
const poolBank = Number(env.PEERS_POOL_BANK ?? 12);
const knexConfig = (url) => ({ client: 'pg', connection: url, pool: { min: 0, max: poolBank } });

/** One statement in the data source's current transaction, `$n` placeholders. */
function queryIn(dataSource) {
  return async (sql, params) => {
    const bindings = [];
    const text = sql.replace(/\$(\d+)/g, (_, n) => {
      bindings.push(params[Number(n) - 1]);
      return '?';
    });
    const result = await dataSource.client.raw(text, bindings);
    return result.rows;
  };
}

async function main() {
  const configA = knexConfig(env.PEERS_BANK_A_URL);
  const configB = knexConfig(env.PEERS_BANK_B_URL);
  // The data sources' checkpoint table (dbos.transaction_completion) in each bank's database.
  await KnexDataSource.initializeDBOSSchema(configA);
  await KnexDataSource.initializeDBOSSchema(configB);
  const bankA = new KnexDataSource('bank_a', configA);
  const bankB = new KnexDataSource('bank_b', configB);

  const withdrawTx = bankA.registerTransaction((m) => withdraw(queryIn(bankA), m), { name: 'withdraw' });
  const refundTx = bankA.registerTransaction((m) => refund(queryIn(bankA), m), { name: 'refund' });
  const depositTx = bankB.registerTransaction((m) => deposit(queryIn(bankB), m), { name: 'deposit' });

  const transfer = DBOS.registerWorkflow(
    async (t) => {
      const { a, b } = movements(t);
      const withdrawn = await withdrawTx(a);
      if (!withdrawn.ok) return { outcome: 'refused' };
      const deposited = await depositTx(b);
      if (deposited.ok) return { outcome: 'completed' };
      await refundTx(a);
      return { outcome: 'compensated' };
    },
    { name: 'benchTransfer' },
  );

  DBOS.setConfig({
    name: 'zt-bench-peers',
    systemDatabaseUrl: env.PEERS_SYSTEM_DATABASE_URL,
    systemDatabasePoolSize: Number(env.PEERS_POOL_SYSTEM ?? 16),
    logLevel: 'warn',
  });
  await DBOS.launch();

  const server = http.createServer((request, response) => {
    readJson(request)
      .then(async (t) => {
        const handle = await DBOS.startWorkflow(transfer, { workflowID: t.transferId })(t);
        return handle.getResult();
      })
      .then(
        (result) => response.end(JSON.stringify(result)),
        (error) => {
          response.statusCode = 500;
          response.end(JSON.stringify({ error: String(error) }));
        },
      );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(Number(env.PEERS_PORT), '127.0.0.1', resolve));

  stopWithParent(async () => {
    server.close();
    await DBOS.shutdown();
  });
  process.send?.({ type: 'ready', pid: process.pid });
}

main().catch((error) => {
  console.error('dbos node failed:', error);
  process.exit(1);
});
