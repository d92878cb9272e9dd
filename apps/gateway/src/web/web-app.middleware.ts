import type { NextFunction, Request, Response } from 'express';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

/**
 * The storefront and the console (apps/web, built by `npm run build` into dist/web) from the
 * gateway's own origin, so that the pages call the API without CORS. Assets under `/assets/`
 * (content-hashed names: cached for a year); the pages' own paths (`/`, `/item/...`, `/cart`,
 * `/signin`, `/my/...`, `/console...`) get index.html when a browser asks for HTML, and the
 * client routes. None of those
 * paths is an API route, so the API keeps every path it has; anything else goes on to it (and
 * an unknown path stays a problem+json 404). Without a build, nothing is served.
 */
export const PAGE_PATHS = /^\/(?:$|index\.html$|item\/[^/]+$|cart$|signin$|my(?:\/|$)|console(?:\/|$))/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where the built pages are: WEB_ROOT, else dist/web under the working directory. */
export function webRoot(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.WEB_ROOT ?? join(process.cwd(), 'dist', 'web'));
}

export function webAppMiddleware(root: string): (request: Request, response: Response, next: NextFunction) => void {
  const index = join(root, 'index.html');
  let page: Buffer | undefined;
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    // originalUrl: where the middleware is mounted, Express strips the mount path off `path`.
    const path = request.originalUrl.split('?')[0];
    if (path.startsWith('/assets/') || path === '/favicon.svg') {
      const file = normalize(join(root, decodeURIComponentOr(path)));
      if (!file.startsWith(root + sep) || !isFile(file)) return next();
      response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      response.setHeader(
        'Cache-Control',
        path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      );
      response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
      return;
    }
    // A page for a browser's navigation only: an API client (Accept */* or JSON) that asks for
    // `/` or a mistyped path still gets the API's problem+json 404.
    if (!PAGE_PATHS.test(path) || !existsSync(index)) return next();
    response.vary('Accept');
    if (request.accepts(['json', 'html']) !== 'html') return next();
    // Read once per process: a rebuild needs a restart, as for the gateway's own code.
    page ??= readFileSync(index);
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache');
    response.end(request.method === 'HEAD' ? undefined : page);
  };
}

function decodeURIComponentOr(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
