'use strict';
/**
 * The two banks' SQL for the peer engines: the very statements of bench/saga/bench-saga.ts
 * (UPDATE the balance, INSERT a journal row), and the refusal handled the way libs/saga's
 * barrier handles a business failure: the step's writes roll back to a savepoint, the
 * transaction (and the engine's record of the step's outcome in it) still commits.
 *
 * `query(sql, params)` runs one statement with `$n` placeholders in the step's transaction and
 * resolves to its rows.
 */

/** Bank A, step 1. Refused (INSUFFICIENT_FUNDS) when the balance is short. */
async function withdraw(query, movement) {
  const rows = await query(
    `UPDATE accounts SET balance_cents = balance_cents - $2 WHERE id = $1 AND balance_cents >= $2
     RETURNING balance_cents`,
    [movement.account, movement.amountCents],
  );
  if (rows.length === 0) return { ok: false, reason: 'INSUFFICIENT_FUNDS' };
  await journal(query, 'withdraw', movement);
  return { ok: true, balanceCents: Number(rows[0].balance_cents) };
}

/** Bank A, compensation of step 1. */
async function refund(query, movement) {
  await query('UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1', [
    movement.account,
    movement.amountCents,
  ]);
  await journal(query, 'refund', movement);
  return { ok: true };
}

/** Bank B, step 2 (the pivot). Refused (ACCOUNT_CLOSED) when the account is closed: its UPDATE is rolled back. */
async function deposit(query, movement) {
  await query('SAVEPOINT step_handler', []);
  const rows = await query('UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1 RETURNING closed', [
    movement.account,
    movement.amountCents,
  ]);
  if (rows.length === 0 || rows[0].closed) {
    await query('ROLLBACK TO SAVEPOINT step_handler', []);
    return { ok: false, reason: 'ACCOUNT_CLOSED' };
  }
  await journal(query, 'deposit', movement);
  await query('RELEASE SAVEPOINT step_handler', []);
  return { ok: true };
}

async function journal(query, kind, movement) {
  await query('INSERT INTO journal (transfer_id, account, kind, amount_cents) VALUES ($1, $2, $3, $4)', [
    movement.transferId,
    movement.account,
    kind,
    movement.amountCents,
  ]);
}

/** The movements of one transfer, as bench-saga.ts's saga maps them. */
function movements(transfer) {
  return {
    a: { transferId: transfer.transferId, account: transfer.from, amountCents: transfer.amountCents },
    b: { transferId: transfer.transferId, account: transfer.to, amountCents: transfer.amountCents },
  };
}

/** Reads a JSON request body. */
function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

/** Exits when the parent (the benchmark) goes away, after `stop`. */
function stopWithParent(stop) {
  let stopping = false;
  const once = (code) => {
    if (stopping) return;
    stopping = true;
    Promise.resolve()
      .then(stop)
      .catch((error) => console.error(`stop: ${String(error)}`))
      .finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => once(0));
  process.on('SIGINT', () => once(0));
  process.on('disconnect', () => once(1));
}

module.exports = { withdraw, refund, deposit, movements, readJson, stopWithParent };
