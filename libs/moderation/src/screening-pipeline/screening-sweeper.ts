import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { OutboxService, QueueProducer } from '@kindred/queues';
import { ScreeningService, screeningJobId } from './screening.service';

/**
 * Makes sure nothing waits in `screening` for ever: relays outbox rows that could not be sent
 * (Redis was down) and re-enqueues items whose job was lost (Redis restarted empty). Job ids are
 * deterministic, so a job that still exists is not added twice.
 */
@Injectable()
export class ScreeningSweeper {
  private readonly logger = new Logger(ScreeningSweeper.name);
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly outbox: OutboxService,
    private readonly producer: QueueProducer,
    private readonly screening: ScreeningService,
  ) {}

  async sweep(): Promise<{ relayed: number; requeued: number }> {
    if (this.running) return { relayed: 0, requeued: 0 };
    this.running = true;
    try {
      const relayed = await this.outbox.relayPending(this.config.screening.sweepAfterSeconds);
      let requeued = 0;
      for (const job of await this.screening.stuckItems()) {
        if ((await this.producer.enqueueOrRetry('screening', 'screen', job, screeningJobId(job))) !== 'pending') requeued += 1;
      }
      if (relayed || requeued) this.logger.log({ relayed, requeued }, 'screening sweep sent work');
      return { relayed, requeued };
    } catch (error) {
      this.logger.warn({ err: error }, 'screening sweep could not finish (will retry)');
      return { relayed: 0, requeued: 0 };
    } finally {
      this.running = false;
    }
  }
}
