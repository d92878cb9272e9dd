/** The verdict of one check: what it examined and the first counterexamples it found. */
export interface CheckResult {
  name: string;
  invariant: string;
  passed: boolean;
  examined: number;
  violations: number;
  counterexamples: string[];
  /** Figures worth reporting even when the check passes. */
  notes?: Record<string, number | string>;
}

const SHOWN = 5;

/** Collects the violations of one invariant. */
export class Check {
  private examinedCount = 0;
  private readonly found: string[] = [];
  readonly notes: Record<string, number | string> = {};

  constructor(
    readonly name: string,
    readonly invariant: string,
  ) {}

  examine(count = 1): void {
    this.examinedCount += count;
  }

  expect(holds: boolean, counterexample: () => string): void {
    if (!holds) this.found.push(counterexample());
  }

  violation(counterexample: string): void {
    this.found.push(counterexample);
  }

  result(): CheckResult {
    return {
      name: this.name,
      invariant: this.invariant,
      passed: this.found.length === 0,
      examined: this.examinedCount,
      violations: this.found.length,
      counterexamples: this.found.slice(0, SHOWN),
      ...(Object.keys(this.notes).length ? { notes: this.notes } : {}),
    };
  }
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The lines of a basket or an order, as a comparable string. */
export function linesKey(lines: readonly { sku: string; quantity: number }[]): string {
  return [...lines]
    .map((l) => `${l.sku}x${l.quantity}`)
    .sort()
    .join(',');
}
