import type { NextFunction, Request, Response } from 'express';
import { acceptCorrelationId, CORRELATION_HEADER, runWithCorrelationId } from './correlation';

/** Enters the correlation id at the HTTP edge (`X-Request-Id`, generated when absent). */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const correlationId = acceptCorrelationId(req.headers[CORRELATION_HEADER]);
  (req as Request & { id: string }).id = correlationId;
  res.setHeader('X-Request-Id', correlationId);
  runWithCorrelationId(correlationId, next);
}
