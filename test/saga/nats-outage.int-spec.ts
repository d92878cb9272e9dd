import { PrivateNats } from '../support/private-nats';
import { TransferWorld } from './fixture/transfer-world';

describe('a NATS outage in the middle of a run', () => {
  const nats = new PrivateNats();
  let world: TransferWorld;

  beforeAll(async () => {
    await nats.start();
    world = await TransferWorld.create({ natsUrl: nats.url });
    await world.openAccounts('bank-a', { alice: 100_000 });
    await world.openAccounts('bank-b', { carol: 0 });
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
    await nats.destroy();
  }, 30_000);

  it('keeps started sagas in the outbox while NATS is down and completes them all when it returns', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, () => world.transfer('alice', 'carol', 100)));
    await world.waitForSagas(before);

    await nats.stop('SIGKILL');
    const during = await Promise.all(Array.from({ length: 10 }, () => world.transfer('alice', 'carol', 100)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const unsent: { n: string }[] = await world
      .node('transfers')
      .dataSource.query('SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL');
    expect(Number(unsent[0].n)).toBe(10);

    await nats.start();
    const statuses = await world.waitForSagas([...before, ...during], 60_000);
    expect([...statuses.values()].every((s) => s === 'COMPLETED')).toBe(true);
    expect(await world.effectViolations([...before, ...during])).toEqual([]);
    expect(await world.balance('bank-b', 'carol')).toBe(1_500);
  }, 90_000);
});
