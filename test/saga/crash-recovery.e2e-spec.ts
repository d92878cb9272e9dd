import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CRASH_POINTS } from '@zhongtai/saga';
import type { CrashPoint } from '@zhongtai/saga';
import { SHARED } from '../support/infrastructure';
import { NodeName, TransferWorld } from './fixture/transfer-world';

const NODE_ENTRY = 'dist/test/saga/fixture/transfer-node.main.js';

/** Which node of the transfer world passes through each crash point. */
const CRASHING_NODE: Record<CrashPoint, NodeName> = {
  'relay.after-commit-before-publish': 'bank-a',
  'relay.after-publish-before-mark-sent': 'bank-b',
  'participant.after-commit-before-ack': 'bank-a',
  'orchestrator.after-commit-before-ack': 'transfers',
  'orchestrator.mid-compensation': 'transfers',
};

class NodeProcess {
  private child?: ChildProcess;
  exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    private readonly world: TransferWorld,
    private readonly name: NodeName,
  ) {}

  async start(crashAt?: CrashPoint): Promise<void> {
    const child = spawn(process.execPath, ['--enable-source-maps', NODE_ENTRY], {
      env: {
        PATH: process.env.PATH,
        NODE_NAME: this.name,
        DATABASE_URL: (this.world.node(this.name).dataSource.options as { url: string }).url,
        NATS_URL: SHARED.nats,
        SAGA_PREFIX: this.world.prefix,
        ...(crashAt ? { SAGA_CRASH_AT: crashAt } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => line === 'ready' && resolve());
      void this.exit!.then(({ code, signal }) => reject(new Error(`${this.name} exited early (${code ?? signal})`)));
    });
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exit;
    }
  }
}

describe.each(CRASH_POINTS)('a process killed at %s', (crashPoint) => {
  const crashing = CRASHING_NODE[crashPoint];
  let world: TransferWorld;
  let node: NodeProcess;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: [crashing] });
    await world.openAccounts('bank-a', { alice: 100_000 });
    await world.openAccounts('bank-b', { carol: 0, closed: 0 }, ['closed']);
    node = new NodeProcess(world, crashing);
  }, 30_000);

  afterAll(async () => {
    await node?.stop();
    await world?.stop();
  }, 30_000);

  it('resumes after a restart and finishes every saga with its effects once', async () => {
    await node.start(crashPoint);
    const ids = [
      await world.transfer('alice', 'carol', 100),
      await world.transfer('alice', 'closed', 200),
      await world.transfer('alice', 'carol', 300),
    ];
    expect(await node.exit).toEqual({ code: null, signal: 'SIGKILL' });

    await node.start();
    const statuses = await world.waitForSagas(ids, 40_000);
    expect(ids.map((id) => statuses.get(id))).toEqual(['COMPLETED', 'COMPENSATED', 'COMPLETED']);
    expect(await world.effectViolations(ids)).toEqual([]);
    expect(await world.totalMoney()).toBe(100_000);
    expect(await world.balance('bank-b', 'carol')).toBe(400);
  }, 60_000);
});
