import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrderRpc } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { LoginThrottle } from './login-throttle';
import { LoginRequest, LoginResponse } from './login.dto';
import { Audience, Principal } from './principal';

@ApiTags('auth')
@Audience('public')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Customers are checked by the order service (scrypt hashes); the operator account comes from
   * configuration. A throttled account (LoginThrottle) is refused before either check. Tokens
   * carry `iss` JWT_ISSUER and `aud` the account's role, both verified by AuthGuard.
   */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LoginResponse })
  @ApiProblemResponses(400, 401, 429)
  async login(
    @Body() credentials: LoginRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponse> {
    const attempt = await this.throttle.attempt(credentials.email, response);
    let principal: Principal | null;
    try {
      principal = this.isOperator(credentials)
        ? { subject: 'operator', role: 'operator' }
        : await this.customer(credentials);
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
    if (!principal) {
      attempt.failed();
      throw new ProblemException(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'Wrong email or password');
    }
    await attempt.succeeded();
    const accessToken = await this.jwt.signAsync(
      { sub: principal.subject, role: principal.role },
      { audience: principal.role },
    );
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }

  private isOperator({ email, password }: LoginRequest): boolean {
    return (
      email.toLowerCase() === this.config.operatorEmail.toLowerCase() &&
      sameSecret(password, this.config.operatorPassword)
    );
  }

  private async customer({ email, password }: LoginRequest): Promise<Principal | null> {
    const found = await this.orders.request<{ customerId: string } | null>(OrderRpc.authenticate, { email, password });
    return found ? { subject: found.customerId, role: 'customer' } : null;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
