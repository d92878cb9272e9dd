import { createServer, connect, Server, Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** Answers every line with the same line: enough to see whether bytes cross the proxy. */
async function echoServer(): Promise<Server> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Resolves with what came back, or with 'closed' if the connection ended first. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => undefined);
  });
}

describe('TcpProxy.sever', () => {
  let echo: Server;
  let proxy: TcpProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = new TcpProxy('127.0.0.1', () => portOf(echo));
    await proxy.start();
  });

  afterEach(async () => {
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('cuts the open connections and drops new ones on the same port until restored, as a partition does', async () => {
    const open = connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => open.once('connect', resolve));
    const closed = new Promise((resolve) => open.once('close', resolve));
    open.on('error', () => undefined);
    const port = proxy.port;
    await new Promise((resolve) => setTimeout(resolve, 50));

    proxy.sever();
    await closed;
    expect(await roundTrip(port, 'during')).toBe('closed');
    expect(proxy.cutConnections).toBeGreaterThanOrEqual(2);

    proxy.restore();
    expect(proxy.port).toBe(port);
    expect(await roundTrip(port, 'after')).toBe('after');
  });
});
