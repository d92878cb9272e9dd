import type { LoggerService } from '@nestjs/common';

/**
 * A round of background work every `everyMs`, counted from the end of the round before, so that
 * a slow round never overlaps the next. A failed round is logged and the next one comes as
 * planned; `stop` cancels the next round and waits for one in flight, for a graceful shutdown.
 */
export class PeriodicRound {
  private timer?: NodeJS.Timeout;
  private round?: Promise<unknown>;
  private stopped = true;

  constructor(
    /** Names the round in the warning a failure logs. */
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Pick<LoggerService, 'warn'>,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.work()
        .catch((error: unknown) => this.logger.warn(`${this.name} failed: ${String(error)}`))
        .finally(() => {
          this.round = undefined;
          this.schedule();
        });
    }, this.everyMs);
  }
}
