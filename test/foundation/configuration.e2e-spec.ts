import { freePort, SHARED } from '../support/infrastructure';
import { ServiceProcess } from '../support/harness';

async function bootWith(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const service = new ServiceProcess('order', { env }).start();
  const code = await service.waitExit();
  return { code, stderr: service.stderr.join('\n') };
}

/** A process loads every module before it reads its configuration: seconds on a busy 2-core machine. */
const BOOT_MS = 30_000;

describe('configuration from the environment', () => {
  let valid: Record<string, string>;

  beforeAll(async () => {
    valid = {
      ORDER_PORT: String(await freePort()),
      NATS_URL: SHARED.nats,
      ORDER_NATS_PASSWORD: 'order-password-of-this-test',
      ORDER_DATABASE_URL: `${SHARED.postgres}/zhongtai_never_reached`,
    };
  });

  it.each([
    ['NATS_URL', 'missing', undefined, /NATS_URL is missing: expected a URL starting with nats:\/\//],
    [
      'ORDER_DATABASE_URL',
      'missing',
      undefined,
      /ORDER_DATABASE_URL is missing: expected a URL starting with postgres:\/\//,
    ],
    ['ORDER_PORT', 'not a number', 'eighty', /ORDER_PORT is invalid \("eighty"\): expected an integer from 1 to 65535/],
    ['ORDER_PORT', 'out of range', '70000', /ORDER_PORT is invalid \("70000"\)/],
    ['NATS_URL', 'of the wrong scheme', 'http://127.0.0.1:4222', /NATS_URL is invalid/],
    ['LOG_LEVEL', 'unknown', 'loud', /LOG_LEVEL is invalid \("loud"\): expected one of fatal, error/],
    ['SHUTDOWN_TIMEOUT_MS', 'negative', '-5', /SHUTDOWN_TIMEOUT_MS is invalid/],
    ['NATS_PREFIX', 'with a dot', 'a.b', /NATS_PREFIX is invalid/],
    ['ORDER_NATS_PASSWORD', 'missing', undefined, /ORDER_NATS_PASSWORD is missing/],
  ])(
    'stops boot with exit code 1 naming %s when it is %s',
    async (variable, _case, value, message) => {
      const env = { ...valid };
      if (value === undefined) delete env[variable];
      else env[variable] = value;
      const { code, stderr } = await bootWith(env);
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
    },
    BOOT_MS,
  );

  it(
    'names every bad variable in one message',
    async () => {
      const { code, stderr } = await bootWith({ ORDER_PORT: 'x' });
      expect(code).toBe(1);
      for (const variable of ['ORDER_PORT', 'NATS_URL', 'ORDER_NATS_PASSWORD', 'ORDER_DATABASE_URL']) expect(stderr).toContain(variable);
    },
    BOOT_MS,
  );
});
