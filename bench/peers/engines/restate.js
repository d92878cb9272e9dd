'use strict';
/**
 * The Restate service endpoint of `npm run bench:peers` (spawned by bench/peers/peers.bench.ts;
 * the restate-server itself runs in restate-server.js): the two-step transfer as a Restate
 * service handler `Bank/transfer`, invoked through the server's ingress with the transfer id as
 * its idempotency key. Each step is a durable `ctx.run` writing to PostgreSQL.
 *
 * Exactly once: Restate journals a `ctx.run` result, so a step that completed is not run again
 * when the invocation is retried or replayed; but a step whose PostgreSQL transaction committed
 * before its result reached the journal (endpoint crash, lost connection, suspension) IS run
 * again. So each step also writes an idempotency record `peer_step (key = <transfer id>:<step>,
 * outcome)` in the same PostgreSQL transaction as its effect: a re-run finds the key (the
 * INSERT conflicts), rolls its own writes back and returns the recorded outcome.
 *
 * Env: PEERS_PORT, PEERS_BANK_A_URL, PEERS_BANK_B_URL, PEERS_POOL_BANK (12).
 */
// @restatedev/restate-sdk >= 1.15 calls Promise.withResolvers (Node 22+): polyfill it before the SDK loads.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
const http2 = require('node:http2');
const { Pool } = require('pg');
const restate = require('@restatedev/restate-sdk');
const { withdraw, refund, deposit, movements, stopWithParent } = require('./bank-sql');

const env = process.env;
const poolBank = Number(env.PEERS_POOL_BANK ?? 12);
const bankA = new Pool({ connectionString: env.PEERS_BANK_A_URL, max: poolBank });
const bankB = new Pool({ connectionString: env.PEERS_BANK_B_URL, max: poolBank });

/**
 * One step in one PostgreSQL transaction: the effect, then its idempotency record. If the record
 * already exists (a re-run of a step that committed), the effect is rolled back and the recorded
 * outcome returned.
 */
async function step(pool, key, work, movement) {
  const client = await pool.connect();
  const query = async (sql, params) => (await client.query(sql, params)).rows;
  try {
    await client.query('BEGIN');
    const outcome = await work(query, movement);
    const recorded = await query(
      'INSERT INTO peer_step (key, outcome) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING 1',
      [key, JSON.stringify(outcome)],
    );
    if (recorded.length === 1) {
      await client.query('COMMIT');
      return outcome;
    }
    await client.query('ROLLBACK');
    const [previous] = await query('SELECT outcome FROM peer_step WHERE key = $1', [key]);
    return JSON.parse(previous.outcome);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const bank = restate.service({
  name: 'Bank',
  handlers: {
    transfer: async (ctx, t) => {
      const { a, b } = movements(t);
      const withdrawn = await ctx.run('withdraw', () => step(bankA, `${t.transferId}:withdraw`, withdraw, a));
      if (!withdrawn.ok) return { outcome: 'refused' };
      const deposited = await ctx.run('deposit', () => step(bankB, `${t.transferId}:deposit`, deposit, b));
      if (deposited.ok) return { outcome: 'completed' };
      await ctx.run('refund', () => step(bankA, `${t.transferId}:refund`, refund, a));
      return { outcome: 'compensated' };
    },
  },
});

async function main() {
  const server = http2.createServer(restate.endpoint().bind(bank).http2Handler());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(env.PEERS_PORT), '127.0.0.1', resolve);
  });
  stopWithParent(async () => {
    server.close();
    await Promise.all([bankA.end(), bankB.end()]);
  });
  process.send?.({ type: 'ready', pid: process.pid });
}

main().catch((error) => {
  console.error('restate endpoint failed:', error);
  process.exit(1);
});
