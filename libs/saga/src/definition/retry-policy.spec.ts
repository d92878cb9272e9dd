import { attemptTimeout, RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { timeoutMs: 1_000, maxAttempts: 5, multiplier: 2, maxTimeoutMs: 5_000, jitter: 0.2 };

describe('attemptTimeout', () => {
  it('grows by the multiplier per attempt up to the cap', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => attemptTimeout(policy, attempt, middle))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(attemptTimeout(policy, 0, middle)).toBe(1_000);
  });

  it('spreads a deadline over the jitter share, centred on it', () => {
    expect(attemptTimeout(policy, 1, () => 0)).toBe(900);
    expect(attemptTimeout(policy, 1, () => 1)).toBe(1_100);
    expect(attemptTimeout(policy, 3, () => 0.25)).toBe(3_800);
    expect(attemptTimeout({ ...policy, jitter: 0 }, 2, () => 0.9)).toBe(2_000);
  });
});
