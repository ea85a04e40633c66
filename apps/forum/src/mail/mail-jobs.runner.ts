import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { MailSender } from '@kindred/mail';
import { JobHandlers, startJobRunners } from '@kindred/queues';

/**
 * The forum runs the `mail` queue (QUEUE_PROCESS): the process that asks for every mail also sends
 * it, so a forum on its own can register, verify and reset. Every forum instance takes jobs from
 * the one queue; each mail is sent once (MailSender).
 */
@Injectable()
export class MailJobsRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailJobsRunner.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly sender: MailSender,
  ) {}

  handlers(): JobHandlers<'forum'> {
    return { mail: { send: (job) => this.sender.deliver(job) } };
  }

  onApplicationBootstrap(): void {
    this.workers = startJobRunners(this.config, this.handlers(), { concurrency: { mail: 5 } }, 'forum');
    this.logger.log('mail sender running');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
  }
}
