import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { natsServer, redisProcessId, ServerProcess } from '../../test/support/harness';
import { registerCleanup, trackPid } from './last-resort';

/** A server of the run, killed by the last resort if the run ends abruptly. */
export function serverOfTheRun(
  name: string,
  server: ConstructorParameters<typeof ServerProcess>[1],
  logDir: string,
): ServerProcess {
  const process = new ServerProcess(name, server, {
    logFile: join(logDir, `${name}.log`),
    track: (pid) => trackPid(name, pid),
  });
  registerCleanup(name, () => process.killNow());
  return process;
}

/** nats-server with JetStream, its store in the run's directory, so a restart keeps the streams. */
export function privateNats(runDir: string, logDir: string): ServerProcess {
  const store = join(runDir, 'nats');
  mkdirSync(store, { recursive: true });
  // The run directory's unique name tells our server from any other on the port.
  const name = `chaos-${basename(runDir)}`;
  return serverOfTheRun('nats', natsServer(store, name), logDir);
}

/** redis-server without persistence: a kill loses every key, as a Redis cache may. */
export function privateRedis(runDir: string, logDir: string): ServerProcess {
  const dir = join(runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  return serverOfTheRun(
    'redis',
    {
      binary: process.env.REDIS_SERVER_BIN ?? 'redis-server',
      args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      isOurs: async (port, pid) => (await redisProcessId(port)) === pid,
    },
    logDir,
  );
}
