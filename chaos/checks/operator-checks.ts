import type { Operation } from '../history';
import { Check, CheckResult, groupBy } from './check';
import type { Snapshot } from './snapshot';

/**
 * The operator's restocks and wallet credits against the databases: an acknowledged one
 * happened once with its amount, an unknown one at most once, a refused one never, and no
 * effect exists that nobody asked for.
 */
export function operatorCheck(operations: readonly Operation[], snapshot: Snapshot): CheckResult {
  const check = new Check(
    'operator-effects',
    'each restock and wallet credit applied once per reference if acknowledged, at most once if unknown, never if refused or never asked',
  );
  const asked = groupBy(
    operations.filter((op) => op.kind === 'restock' || op.kind === 'credit'),
    (op) => op.reference!,
  );
  const effects = new Map<string, number[]>();
  for (const a of snapshot.adjustments) effects.set(a.reference, [...(effects.get(a.reference) ?? []), a.delta]);
  for (const p of snapshot.postings.filter((p) => p.kind === 'CREDIT')) {
    effects.set(p.reference, [...(effects.get(p.reference) ?? []), p.amount_cents]);
  }
  for (const [reference, ops] of asked) {
    check.examine();
    const applied = effects.get(reference) ?? [];
    const amount = ops[0].amount;
    check.expect(
      applied.every((a) => a === amount),
      () => `${reference}: asked ${amount}, applied ${applied.join(', ')}`,
    );
    if (ops.some((op) => op.outcome === 'ok')) {
      check.expect(applied.length === 1, () => `${reference}: acknowledged, applied ${applied.length} times`);
    } else if (ops.some((op) => op.outcome === 'info')) {
      check.expect(applied.length <= 1, () => `${reference}: unknown outcome, applied ${applied.length} times`);
    } else {
      check.expect(
        applied.length === 0,
        () => `${reference}: refused (${ops.map((o) => o.status).join(', ')}), applied ${applied.length} times`,
      );
    }
  }
  for (const reference of effects.keys()) {
    // The fixtures' initial credits (fund-<customer>) are made before the history starts.
    if (reference.startsWith('fund-')) continue;
    check.expect(asked.has(reference), () => `${reference}: applied but never asked`);
  }
  return check.result();
}
