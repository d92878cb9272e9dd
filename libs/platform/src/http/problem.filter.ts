import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { defaultCode, Problem, ProblemException, problemOf } from './problem';

/**
 * The one place where errors become problem details. Over HTTP they are answered as
 * `application/problem+json`; over NATS request/reply the problem itself is the error reply,
 * so the gateway can pass a service's client error on unchanged. Client errors keep their
 * message; anything unexpected is logged once, here, and answered without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const problem = this.toProblem(exception);
    const deliberate = exception instanceof ProblemException;
    if (problem.status >= 500 && !deliberate) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (host.getType() === 'rpc') return throwError(() => problem);
    const response = host.switchToHttp().getResponse<Response>();
    response.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'code' in body && 'type' in body) return body as Problem;
      // body-parser's limit, passed on by Nest's adapter as the cause
      const limit = (exception.cause as { limit?: unknown } | undefined)?.limit;
      if (status === 413 && typeof limit === 'number') {
        return problemOf(status, `The request body is larger than ${limit} bytes`);
      }
      const detail =
        typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      return problemOf(status, status >= 500 ? 'The request could not be completed' : detail, defaultCode(status));
    }
    // body-parser errors (malformed JSON, oversized body) carry an HTTP status of their own
    const status = (exception as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail = status === 400 ? 'The request body is not valid JSON' : (exception as Error).message;
      return problemOf(status, detail);
    }
    return problemOf(500, 'The request could not be completed');
  }
}
