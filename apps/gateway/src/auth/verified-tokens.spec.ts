import type { Principal } from './principal';
import { VerifiedTokens } from './verified-tokens';

const alice: Principal = { subject: 'alice', role: 'customer' };
const bob: Principal = { subject: 'bob', role: 'customer' };

describe('VerifiedTokens', () => {
  let now: number;
  const tokens = (capacity?: number) => new VerifiedTokens(capacity, () => now);

  beforeEach(() => {
    now = 1_000_000_000_000;
  });

  it('knows a verified token until the second of its exp, and forgets it from then on', () => {
    const verified = tokens();
    const exp = now / 1000 + 60;
    verified.remember('t1', alice, exp);
    expect(verified.principalOf('t1')).toEqual(alice);
    now = exp * 1000 - 1;
    expect(verified.principalOf('t1')).toEqual(alice);
    now = exp * 1000;
    expect(verified.principalOf('t1')).toBeUndefined();
    now = exp * 1000 - 1;
    expect(verified.principalOf('t1')).toBeUndefined();
  });

  it('knows nothing of a token it was not given, nor of one without a numeric exp', () => {
    const verified = tokens();
    verified.remember('no-exp', alice, undefined);
    verified.remember('text-exp', alice, String(now / 1000 + 60));
    verified.remember('infinite-exp', alice, Infinity);
    for (const token of ['other', 'no-exp', 'text-exp', 'infinite-exp']) {
      expect(verified.principalOf(token)).toBeUndefined();
    }
  });

  it('makes room by forgetting the token remembered longest ago', () => {
    const verified = tokens(2);
    const exp = now / 1000 + 60;
    verified.remember('t1', alice, exp);
    verified.remember('t2', bob, exp);
    verified.remember('t3', bob, exp);
    expect(verified.principalOf('t1')).toBeUndefined();
    expect(verified.principalOf('t2')).toEqual(bob);
    expect(verified.principalOf('t3')).toEqual(bob);
  });
});
