import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (or IDEMPOTENCY_KEY_REQUIRED): the request is malformed',
  401: 'UNAUTHENTICATED: missing, forged or expired token, or bad credentials',
  403: 'FORBIDDEN: this account may not use the route',
  404: 'NOT_FOUND',
  409: 'CONFLICT (or IDEMPOTENCY_IN_PROGRESS): the state forbids it',
  422: 'IDEMPOTENCY_KEY_REUSED: the key was used with a different body',
  429: 'RATE_LIMITED: see Retry-After',
  502: 'UPSTREAM_FAILED: a service failed',
  504: 'UPSTREAM_TIMEOUT: a service did not answer in time',
};

/** Documents the problem+json responses a route can give. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemResponse' } } },
      }),
    ),
  );
}
