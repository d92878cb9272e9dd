import { createServer, Server } from 'node:http';
import { gatewayAlone } from './gateway-alone';
import { ServiceProcess } from '../support/harness';

/** Another program on the machine that took the port a harness picked, and answers "ready" to anything. */
async function impostorOn(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', impostor: true }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('a harness whose picked port is taken before the service listens', () => {
  let impostor: { server: Server; port: number };
  /** Another program on the port of GATEWAY_INTERNAL_PORT. */
  let internalImpostor: { server: Server; port: number };
  let gateway: ServiceProcess;

  beforeAll(async () => {
    impostor = await impostorOn();
    internalImpostor = await impostorOn();
    gateway = new ServiceProcess('gateway', {
      port: impostor.port,
      env: { ...gatewayAlone(), GATEWAY_INTERNAL_PORT: String(internalImpostor.port) },
    }).start();
    await gateway.waitReady();
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => impostor?.server.close(resolve));
    await new Promise((resolve) => internalImpostor?.server.close(resolve));
  });

  it('binds the internal listener (/metrics, /docs) on a port the kernel picks, and reports it', async () => {
    const internalPort = Number(new URL(gateway.internalUrl).port);
    expect(internalPort).not.toBe(internalImpostor.port);
    expect(internalPort).not.toBe(gateway.port);
    const metrics = await fetch(`${gateway.internalUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
  });

  it('moves the service to a port of its own instead of talking to the program on the picked one', () => {
    expect(gateway.port).not.toBe(impostor.port);
  });

  it('talks only to the process it started', async () => {
    const live = (await (await fetch(`${gateway.url}/health/live`)).json()) as { pid?: number };
    expect(live.pid).toBe(gateway.pid);
  });
});
