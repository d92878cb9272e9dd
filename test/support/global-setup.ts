import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServer, ServerProcess } from './harness/server-process';
import { uniqueName } from './infrastructure';
import { PLATFORM_NATS_URL } from './platform-nats';

/**
 * End-to-end tests run services (and test fixtures) as real processes, from a fresh SWC build
 * of the tree; the gateway serves the web pages from a fresh Vite build (dist/web), and the
 * browser tests need Debian's Chromium, installed here when it is missing.
 *
 * Test platforms run on a nats-server of the run's own with the platform's users and
 * permissions (deploy/nats), found in PLATFORM_NATS_URL: the machine's shared server has no
 * authorization, so a permission a service lacks would go unnoticed there.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync('npx', ['swc', 'apps', 'libs', 'scripts', 'test', '-d', 'dist', '--config-file', '.swcrc', '--quiet'], {
    stdio: 'inherit',
  });
  execFileSync('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mjs', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  execFileSync('bash', ['scripts/install-chromium.sh'], { stdio: 'inherit' });
  const store = mkdtempSync(join(tmpdir(), 'zt-platform-nats-'));
  const server = new ServerProcess('nats-server', natsServer(store, uniqueName('platform_nats')), {
    logFile: join(store, 'nats-server.log'),
  });
  await server.start();
  process.env[PLATFORM_NATS_URL] = `nats://127.0.0.1:${server.port}`;
  (globalThis as { platformNats?: { server: ServerProcess; store: string } }).platformNats = { server, store };
}
