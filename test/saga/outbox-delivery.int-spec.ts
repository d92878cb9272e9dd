import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { eventually } from '../support/infrastructure';
import { PrivateNats } from '../support/private-nats';
import { TransferWorld } from './fixture/transfer-world';

/**
 * Only the outbox delivers here: step deadlines are ten minutes, far longer than the test, so
 * the orchestrator never re-dispatches a command, and every saga must finish on first attempts.
 * A relay that marked a row sent before or without publishing it loses that message for good.
 */
describe('the outbox delivers every committed message', () => {
  const nats = new PrivateNats();
  let world: TransferWorld;

  beforeAll(async () => {
    await nats.start();
    world = await TransferWorld.create({ natsUrl: nats.url, policy: { timeoutMs: 600_000, maxAttempts: 3 } });
    await world.openAccounts('bank-a', { alice: 100_000 });
    await world.openAccounts('bank-b', { carol: 0 });
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
    await nats.destroy();
  }, 30_000);

  const unsent = async (node: string) =>
    Number(
      (await world.node(node).dataSource.query('SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL'))[0].n,
    );

  /** Completed, each step dispatched once, on attempt 1 only, and every effect applied once. */
  async function expectDeliveredOnce(ids: string[]): Promise<void> {
    // A bound on liveness, not a speed: after an outage the relay's poller backs off up to 5 s
    // between tries, and a loaded machine stretches every step.
    const statuses = await world.waitForSagas(ids, 45_000);
    expect([...statuses.values()]).toEqual(ids.map(() => 'COMPLETED'));
    for (const id of ids) {
      const { timeline } = (await world.node('transfers').runtime!.queries.get(id))!;
      expect({ id, attempts: [...new Set(timeline.map((entry) => entry.attempt))] }).toEqual({ id, attempts: [1] });
      expect({ id, dispatched: timeline.filter((entry) => entry.outcome === 'dispatched').length }).toEqual({
        id,
        dispatched: 3,
      });
    }
    expect(await world.effectViolations(ids)).toEqual([]);
    // Rows are marked sent a moment after they were published, in one statement per batch.
    for (const node of ['transfers', 'bank-a', 'bank-b']) {
      await eventually(async () => ((await unsent(node)) === 0 ? true : undefined), {
        timeoutMs: 5_000,
        what: `every outbox row of ${node} marked sent`,
      });
    }
  }

  it('publishes what was committed while NATS was down, once it returns', async () => {
    await nats.stop('SIGKILL');
    const during = await Promise.all(Array.from({ length: 5 }, () => world.transfer('alice', 'carol', 100)));
    // Long enough for the fast path to fail and for the poller to try and fail several times.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await unsent('transfers')).toBe(5);
    await nats.start();
    await expectDeliveredOnce(during);
  }, 90_000);

  it('publishes the rows of an orchestrator that crashed between commit and publish', async () => {
    await world.stopNode('transfers');
    // An unstarted runtime commits the saga and its first command, and never publishes: as if
    // the process died right after COMMIT.
    const written = await world.transfer('alice', 'carol', 100);
    expect(await unsent('transfers')).toBe(1);
    await world.startNode('transfers');
    await expectDeliveredOnce([written]);
  }, 60_000);

  it('publishes a row once more, dropped as a duplicate, after a crash between publish and mark-sent', async () => {
    await world.stopNode('transfers');
    const written = await world.transfer('alice', 'carol', 100);
    const [row]: { id: string; subject: string; payload: unknown; headers: Record<string, string> }[] = await world
      .node('transfers')
      .dataSource.query('SELECT id, subject, payload, headers FROM saga_outbox WHERE sent_at IS NULL');
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(row.headers)) headers.set(name, value);
    await jetstream(world.node('transfers').nats).publish(row.subject, JSON.stringify(row.payload), {
      msgID: row.id,
      headers,
    });
    await world.startNode('transfers');
    await expectDeliveredOnce([written]);
  }, 60_000);
});
