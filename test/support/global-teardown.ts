import { rmSync } from 'node:fs';
import type { ServerProcess } from './harness/server-process';

export default async function globalTeardown(): Promise<void> {
  const platformNats = (globalThis as { platformNats?: { server: ServerProcess; store: string } }).platformNats;
  if (!platformNats) return;
  await platformNats.server.stop('SIGTERM', 5_000);
  rmSync(platformNats.store, { recursive: true, force: true });
}
