// @ts-check
// The storefront and the console, one single-page app built into dist/web, which the gateway
// serves from its own origin (apps/gateway/src/web). `npm run build` runs this after SWC.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/',
  // JSX with React's automatic runtime, by Vite's own transformer (no plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: resolve(here, '../../dist/web'),
    emptyOutDir: true,
    // The gateway's Content-Security-Policy forbids inline scripts: everything in files.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npx vite apps/web` during development: the API from a running gateway (npm run up).
    proxy: Object.fromEntries(
      ['/auth', '/products', '/checkout', '/orders', '/me', '/admin', '/health'].map((path) => [
        path,
        'http://127.0.0.1:3000',
      ]),
    ),
  },
});
