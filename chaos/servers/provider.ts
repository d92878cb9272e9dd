import { resolve } from 'node:path';
import { ownServiceReady } from '../../test/support/harness';
import type { ServerProcess } from '../../test/support/harness';
import { serverOfTheRun } from './nats-redis';

/** The simulator's database on the run's PostgreSQL (its own, as an outside provider's would be). */
export const PROVIDER_DATABASE = 'zhongtai_provider';

/** The simulator's notification faults (apps/provider, POST /v1/testing/notification-faults); rates 0 to 1. */
export interface NotificationFaults {
  duplicate: number;
  delayMs: number;
  reorder: number;
  drop: number;
}

export const NO_NOTIFICATION_FAULTS: NotificationFaults = { duplicate: 0, delayMs: 0, reorder: 0, drop: 0 };

/**
 * The payment provider simulator as a process of the run, from the compiled tree. It does not
 * report its port to a harness as the services do, so it is run as the servers are: started on
 * a port picked first (PROVIDER_PORT, through `env`, which execs node under the same pid), and
 * trusted only once `/health/live` on that port names its pid and it answers ready; another
 * program on the port means another try on a new one. Its notification sender retries soon
 * and often (at most 4 s apart), so that a delivery the gateway missed comes again within a run.
 */
export function providerSimulator(env: Record<string, string>, logDir: string): ServerProcess {
  return serverOfTheRun(
    'provider',
    {
      binary: 'env',
      args: (port) => [
        `PROVIDER_PORT=${port}`,
        process.execPath,
        '--enable-source-maps',
        resolve('dist/apps/provider/src/main.js'),
      ],
      env: {
        DATABASE_POOL_SIZE: '4',
        PROVIDER_NOTIFY_POLL_MS: '100',
        PROVIDER_NOTIFY_BACKOFF_MS: '500',
        PROVIDER_NOTIFY_MAX_BACKOFF_MS: '4000',
        PROVIDER_NOTIFY_TIMEOUT_MS: '3000',
        ...env,
      },
      isOurs: (port, pid) => ownServiceReady(`http://127.0.0.1:${port}`, pid),
    },
    logDir,
  );
}
