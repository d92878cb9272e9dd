import type { Principal } from './principal';

/** Enough for every customer of a busy sale; past it the token verified longest ago goes first. */
const CAPACITY = 10_000;

/**
 * Access tokens whose signature and claims were verified, each until it expires. A customer
 * sends the same token with each request, and checking its signature and claims every time
 * was a few per cent of the gateway's CPU under a flash sale. Only tokens that passed
 * verification are kept, so an invalid one costs a verification every time, as before.
 */
export class VerifiedTokens {
  private readonly principals = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly capacity = CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal of a token verified before, while the token has not expired. */
  principalOf(token: string): Principal | undefined {
    const entry = this.principals.get(token);
    if (entry === undefined) return undefined;
    // The same instant jsonwebtoken calls expired: from `exp` on.
    if (this.now() < entry.expiresAtMs) return entry.principal;
    this.principals.delete(token);
    return undefined;
  }

  /** Keeps a verified token until `exp` (seconds since the epoch); a token without one is verified every time. */
  remember(token: string, principal: Principal, exp: unknown): void {
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
    if (this.principals.size >= this.capacity) {
      const oldest = this.principals.keys().next().value;
      if (oldest !== undefined) this.principals.delete(oldest);
    }
    this.principals.set(token, { principal, expiresAtMs: exp * 1000 });
  }
}
