import { PeriodicRound } from './periodic-round';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a periodic round', () => {
  it('runs again after each round ends, also after one that failed, and logs the failure', async () => {
    const warnings: string[] = [];
    let rounds = 0;
    const round = new PeriodicRound(
      'the test round',
      5,
      async () => {
        rounds++;
        if (rounds === 2) throw new Error('boom');
      },
      { warn: (message: string) => warnings.push(message) },
    );
    round.start();
    while (rounds < 4) await sleep(5);
    await round.stop();
    expect(warnings).toEqual(['the test round failed: Error: boom']);
  });

  it('never overlaps two rounds, and stop waits for the round in flight and runs no other', async () => {
    let running = 0;
    let most = 0;
    let ended = 0;
    let release: () => void = () => undefined;
    const round = new PeriodicRound(
      'slow',
      1,
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
        ended++;
      },
      { warn: () => undefined },
    );
    round.start();
    while (running === 0) await sleep(2);
    await sleep(20);
    const stopped = round.stop();
    let stopReturned = false;
    void stopped.then(() => (stopReturned = true));
    await sleep(10);
    expect(stopReturned).toBe(false);
    release();
    await stopped;
    await sleep(20);
    expect({ most, ended, running }).toEqual({ most: 1, ended: 1, running: 0 });
  });

  it('does nothing until started', async () => {
    let rounds = 0;
    const round = new PeriodicRound('idle', 1, async () => void rounds++, { warn: () => undefined });
    await sleep(20);
    await round.stop();
    expect(rounds).toBe(0);
  });
});
