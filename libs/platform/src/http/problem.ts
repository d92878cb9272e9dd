import { HttpException, HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details with a stable `code` clients may switch on. */
export interface Problem {
  [extension: string]: unknown;
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

export interface FieldError {
  field: string;
  messages: string[];
}

const TITLES: Record<number, [code: string, title: string]> = {
  400: ['VALIDATION_FAILED', 'The request is invalid'],
  401: ['UNAUTHENTICATED', 'Authentication is required'],
  403: ['FORBIDDEN', 'This account may not do that'],
  404: ['NOT_FOUND', 'No such resource'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  409: ['CONFLICT', 'The resource is in a conflicting state'],
  413: ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON'],
  422: ['UNPROCESSABLE', 'The request cannot be processed'],
  429: ['RATE_LIMITED', 'Too many requests'],
  500: ['INTERNAL_ERROR', 'Internal error'],
  502: ['UPSTREAM_FAILED', 'A service did not answer as expected'],
  503: ['UNAVAILABLE', 'The service is unavailable'],
  504: ['UPSTREAM_TIMEOUT', 'A service did not answer in time'],
};

export function defaultCode(status: number): string {
  return TITLES[status]?.[0] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

export function problemOf(
  status: number,
  detail: string,
  code = defaultCode(status),
  errors?: FieldError[],
  extensions: Record<string, unknown> = {},
): Problem {
  const title = TITLES[status]?.[1] ?? (status >= 500 ? 'Internal error' : 'Bad request');
  return {
    type: `https://zhongtai.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
    ...extensions,
  };
}

/** Thrown by controllers and guards for an error a client caused, with its stable code. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    code: string,
    detail: string,
    errors?: FieldError[],
    extensions?: Record<string, unknown>,
  ) {
    super(problemOf(status, detail, code, errors, extensions), status);
  }
}
