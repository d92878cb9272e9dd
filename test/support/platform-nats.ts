import { SHARED } from './infrastructure';

/** Where the e2e global setup tells the test processes its nats-server listens. */
export const PLATFORM_NATS_URL = 'TEST_PLATFORM_NATS_URL';

/**
 * The NATS of test platforms: the e2e run's own server, with authorization; the shared server
 * where a test runs outside that setup (an integration test, a single file run by hand).
 */
export function platformNats(): string {
  return process.env[PLATFORM_NATS_URL] ?? SHARED.nats;
}
