import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { createServer, IncomingMessage, Server } from 'node:http';
import { problemOf } from './problem';

/**
 * What a service that faces clients (the gateway) puts in front of its routes: security
 * headers, CORS for an allow-list of origins, the client address behind trusted proxies and a
 * JSON body limit. The internal listener (`/metrics`, `/docs`) is for scrapers and operators:
 * it answers only those routes and health, and the public listener answers none of them.
 */
export interface HttpEdgeOptions {
  /** Larger JSON (or form) bodies are refused with 413 PAYLOAD_TOO_LARGE. */
  bodyLimitBytes: number;
  /** Exact origins (`https://shop.example`) that may call from a browser; empty: none. */
  corsOrigins: readonly string[];
  /** Peers (IPs or CIDRs) whose X-Forwarded-For is believed; empty: the socket address is the client. */
  trustedProxies: readonly string[];
}

/** Request headers a browser may send cross-origin, and response headers it may read. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'Prefer', 'X-Request-Id'];
export const CORS_EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'Idempotent-Replayed',
  'Preference-Applied',
  'X-Request-Id',
];
const CORS_METHODS = ['GET', 'POST'];
const CORS_MAX_AGE_SECONDS = 600;

const INTERNAL = Symbol('zhongtai.internal-listener');
type Tagged = IncomingMessage & { [INTERNAL]?: true };

/** Whether the request came in on the internal listener. */
export function isInternalRequest(request: IncomingMessage): boolean {
  return (request as Tagged)[INTERNAL] === true;
}

/** A second HTTP server on the same application, whose requests are marked internal. */
export function createInternalServer(app: NestExpressApplication): Server {
  const handle = app.getHttpAdapter().getInstance() as (request: IncomingMessage, response: unknown) => void;
  return createServer((request, response) => {
    (request as Tagged)[INTERNAL] = true;
    handle(request, response);
  });
}

/** `/metrics`, `/docs`, `/docs/...`, `/docs-json`, `/docs-yaml`. */
const INTERNAL_ONLY = /^\/(?:metrics|docs)(?:$|[/-])/;

/**
 * The split between the listeners: internal routes only on the internal one (404 on the public
 * one, as for any unknown route), health on both, everything else on the public one only.
 */
export function splitListeners(app: NestExpressApplication): void {
  app.use((request: Request, response: Response, next: NextFunction) => {
    const internalOnly = INTERNAL_ONLY.test(request.path);
    const allowed = isInternalRequest(request) ? internalOnly || request.path.startsWith('/health/') : !internalOnly;
    if (allowed) return next();
    response
      .status(404)
      .type('application/problem+json')
      .json(problemOf(404, `Cannot ${request.method} ${request.path}`));
  });
}

/** Installs the edge; call before the routes are registered (before listen). */
export function applyHttpEdge(app: NestExpressApplication, options: HttpEdgeOptions): void {
  // proxy-addr semantics: X-Forwarded-For is read from the right only while the hop is trusted.
  app.set('trust proxy', options.trustedProxies.length > 0 ? [...options.trustedProxies] : false);
  const headers = helmet();
  app.use((request: Request, response: Response, next: NextFunction) =>
    // The OpenAPI UI (internal listener only) needs inline scripts that the API's CSP forbids.
    isInternalRequest(request) ? next() : headers(request, response, next),
  );
  if (options.corsOrigins.length > 0) app.use(corsFor(new Set(options.corsOrigins)));
  app.useBodyParser('json', { limit: options.bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: options.bodyLimitBytes, extended: true });
}

/**
 * CORS for exact origins. An allowed origin gets Access-Control-Allow-Origin (and a preflight
 * is answered 204 with the methods and headers the API takes); any other origin gets no CORS
 * header at all, so the browser refuses to hand it the response. No credentials: tokens travel
 * in Authorization, never in cookies.
 */
function corsFor(origins: ReadonlySet<string>) {
  return (request: Request, response: Response, next: NextFunction): void => {
    response.vary('Origin');
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin)) return next();
    response.setHeader('Access-Control-Allow-Origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      response.setHeader('Access-Control-Allow-Methods', CORS_METHODS.join(', '));
      response.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
      response.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      response.status(204).end();
      return;
    }
    response.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
    next();
  };
}
