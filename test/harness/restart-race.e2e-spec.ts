import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateNats, privateRedis } from '../../chaos/servers/nats-redis';
import { FileOutput, natsServerName, redisProcessId, ServerProcess, ServiceProcess } from '../support/harness';
import { freePort } from '../support/infrastructure';
import { gatewayAlone } from './gateway-alone';

/** Another program that took a port while its owner was down: it accepts and greets like a server. */
async function squatOn(port: number, greeting: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(greeting, () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('a chaos restart that finds its port taken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zt-restart-race-'));
  const squatters: Server[] = [];

  afterAll(async () => {
    await Promise.all(squatters.map(close));
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings the gateway back on a port of its own and answers only from the restarted process', async () => {
    const gateway = new ServiceProcess('gateway', {
      port: await freePort(),
      env: gatewayAlone(),
      output: new FileOutput(join(dir, 'gateway.log')),
      supervise: { clock: () => 0 },
    });
    try {
      gateway.start();
      await gateway.waitReady(60_000);
      const lostPort = gateway.port;
      gateway.signal('SIGKILL');
      await gateway.exitWithin(10_000);
      squatters.push(await squatOn(lostPort, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}'));
      gateway.start();
      await gateway.waitReady(60_000);

      expect(gateway.port).not.toBe(lostPort);
      const live = (await (await fetch(`${gateway.url}/health/live`)).json()) as { pid?: number };
      expect(live.pid).toBe(gateway.pid);
    } finally {
      await gateway.stop();
    }
  }, 150_000);

  it.each([
    [
      'redis',
      () => privateRedis(dir, dir),
      '+OK\r\n',
      async (server: ServerProcess) => (await redisProcessId(server.port)) === server.pid,
    ],
    [
      'nats',
      () => privateNats(dir, dir),
      'INFO {"server_name":"someone-else"}\r\n',
      async (server: ServerProcess) => (await natsServerName(server.port))?.startsWith('chaos-') === true,
    ],
  ])(
    'brings %s back on a port of its own',
    async (_name, make, greeting, isOurs) => {
      const server = make();
      try {
        await server.start();
        const lostPort = server.port;
        await server.stop('SIGKILL');
        squatters.push(await squatOn(lostPort, greeting));
        await server.start();

        expect(server.port).not.toBe(lostPort);
        expect(await isOurs(server)).toBe(true);
      } finally {
        await server.stop('SIGKILL');
      }
    },
    60_000,
  );
});
