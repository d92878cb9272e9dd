import { SHARED, uniqueName } from '../support/infrastructure';
import { exampleDefaults } from '../support/platform';

/** The environment of a gateway on its own (the quickest service to boot), isolated by prefixes. */
export function gatewayAlone(): Record<string, string> {
  return {
    ...exampleDefaults(),
    NATS_URL: SHARED.nats,
    NATS_PREFIX: uniqueName('harness').replace(/_/g, '-'),
    REDIS_URL: SHARED.redis,
    REDIS_PREFIX: `${uniqueName('harness')}:`,
    LOG_LEVEL: 'warn',
  };
}
