import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@zhongtai/platform';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProviderConfig } from '../provider.config';
import { PROVIDER_CONFIG } from '../provider.tokens';

/** The merchant's API key as a Bearer token; compared as digests, so in constant time whatever its length. */
@Injectable()
export class MerchantAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(PROVIDER_CONFIG) config: ProviderConfig) {
    this.expected = digest(config.merchantApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new ProblemException(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'A valid merchant API key is required');
    }
    return true;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
