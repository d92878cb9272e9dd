import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { INFRASTRUCTURE_ROUTE, ProblemException } from '@zhongtai/platform';
import type { Request } from 'express';
import { Audience, Principal, ROUTE_AUDIENCE } from './principal';
import { VerifiedTokens } from './verified-tokens';

/**
 * Every route needs a valid access token unless it is public; customer routes take customer
 * tokens only (default), `/admin` operator tokens only. 401 without a valid token (signature,
 * expiry, issuer, audience), 403 for the wrong role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(INFRASTRUCTURE_ROUTE, targets)) return true;
    const audience = this.reflector.getAllAndOverride<Audience>(ROUTE_AUDIENCE, targets) ?? 'customer';
    if (audience === 'public') return true;

    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw unauthenticated('A bearer access token is required');
    const principal = this.verified.principalOf(token) ?? (await this.verify(token));
    if (principal.role !== audience) {
      throw new ProblemException(HttpStatus.FORBIDDEN, 'FORBIDDEN', `This route is for ${audience} accounts`);
    }
    request.principal = principal;
    return true;
  }

  private async verify(token: string): Promise<Principal> {
    try {
      // The signature, expiry, `iss` (JWT_ISSUER) and `aud` (one of the roles) are checked here
      // (JwtModule's verifyOptions); the role is the audience, and the `role` claim must agree.
      const claims = await this.jwt.verifyAsync<{ sub: string; role: Principal['role']; aud: unknown; exp?: unknown }>(
        token,
      );
      if (typeof claims.sub !== 'string' || claims.aud !== claims.role) throw new Error('inconsistent claims');
      const principal: Principal = { subject: claims.sub, role: claims.role };
      this.verified.remember(token, principal, claims.exp);
      return principal;
    } catch {
      throw unauthenticated('The access token is invalid or expired');
    }
  }
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', detail);
}
