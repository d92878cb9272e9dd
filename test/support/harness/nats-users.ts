import type { ConnectionOptions } from '@nats-io/transport-node';
import { exampleDefaults } from './stack';

/**
 * The NATS users of deploy/nats/authorization.conf as the harness knows them: the development
 * passwords of .env.example, which the services read from their environment and a nats-server
 * run by the harness reads from its own.
 */
export function natsServerEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(exampleDefaults()).filter(([name]) => /NATS_.*PASSWORD$/.test(name)));
}

/**
 * The admin user, for what only a harness does on NATS (removing a run's streams). On a server
 * without authorization (the machine's shared one), the credentials are ignored.
 */
export function natsAdmin(): Pick<ConnectionOptions, 'user' | 'pass'> {
  return { user: 'admin', pass: exampleDefaults().NATS_ADMIN_PASSWORD };
}
