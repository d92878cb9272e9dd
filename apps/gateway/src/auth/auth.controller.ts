import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrderRpc } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import { timingSafeEqual } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { ApiProblemResponses } from '../http/api-problem-responses';
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
  ) {}

  /** Customers are checked by the order service (scrypt hashes); the operator account comes from configuration. */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LoginResponse })
  @ApiProblemResponses(400, 401, 429)
  async login(@Body() credentials: LoginRequest): Promise<LoginResponse> {
    const principal = this.isOperator(credentials)
      ? { subject: 'operator', role: 'operator' as const }
      : await this.customer(credentials);
    if (!principal) throw new ProblemException(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'Wrong email or password');
    const accessToken = await this.jwt.signAsync({ sub: principal.subject, role: principal.role });
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
