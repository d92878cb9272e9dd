/** One line of a posting as a caller asks for it: an amount into (positive) or out of (negative) an account. */
export interface EntryLine {
  accountId: string;
  amountCents: number;
}

/**
 * Checks that lines make a double-entry posting (whole, non-zero cents that sum to zero, one
 * line per account) and returns the amount it moves: the sum of its positive lines. The
 * database checks the sum again at commit; this catches the bug before any row is written.
 */
export function amountMoved(lines: readonly EntryLine[]): number {
  if (lines.length < 2) throw new Error('a posting needs at least two entries');
  if (new Set(lines.map((line) => line.accountId)).size !== lines.length) {
    throw new Error('a posting has one entry per account');
  }
  let sum = 0;
  let moved = 0;
  for (const { accountId, amountCents } of lines) {
    if (!Number.isSafeInteger(amountCents) || amountCents === 0) {
      throw new Error(`entry of ${accountId} is not a non-zero whole number of cents: ${amountCents}`);
    }
    sum += amountCents;
    if (amountCents > 0) moved += amountCents;
  }
  if (sum !== 0) throw new Error(`a posting's entries must sum to zero, these sum to ${sum}`);
  return moved;
}
