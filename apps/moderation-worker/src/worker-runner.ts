import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@kindred/observability';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { NotificationDelivery } from '@kindred/notifications';
import { DeadlinesService, ScreeningService, ScreeningSweeper } from '@kindred/moderation';
import { IdentityService } from '@kindred/identity';
import { MentoringService } from '@kindred/mentoring';
import { QuestionnairesService } from '@kindred/outcomes';
import { RetentionService } from '@kindred/retention';
import { JobHandlers, OutboxService, QueueProducer, startJobRunners } from '@kindred/queues';

/** How often the worker looks for outcome questionnaires that have fallen due. */
export const QUESTIONNAIRE_TICK_MS = 5 * 60_000;

/** Wires every job in the catalogue to the lib service that does it, and schedules repeatable jobs. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerRunner.name);
  private workers: Worker[] = [];
  private timers: NodeJS.Timeout[] = [];
  private deadlineTimer?: { stop(): Promise<void> };

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly producer: QueueProducer,
    private readonly identity: IdentityService,
    private readonly outbox: OutboxService,
    private readonly screening: ScreeningService,
    private readonly sweeper: ScreeningSweeper,
    private readonly deadlines: DeadlinesService,
    private readonly retention: RetentionService,
    private readonly metrics: MetricsRegistry,
    private readonly notifications: NotificationDelivery,
    private readonly mentoring: MentoringService,
    private readonly questionnaires: QuestionnairesService,
  ) {}

  handlers(): JobHandlers<'moderation-worker'> {
    return {
      screening: {
        screen: (job) => this.screening.screen(job),
      },
      housekeeping: {
        'prune-sessions': () => this.identity.pruneEndedSessions(),
        'prune-outbox': () => this.outbox.prune(),
      },
      deadlines: {
        tick: () => this.deadlines.tick(),
      },
      retention: {
        purge: () => this.retention.purgeAll(),
      },
      notifications: {
        'fan-out': (job) => this.notifications.fanOut(job),
        'fan-out-many': (job) => this.notifications.fanOutMany(job.events),
        deliver: (job, meta) => this.notifications.deliver(job.deliveryId, meta.attempt),
        tick: () => this.notifications.tick(),
      },
      mentoring: {
        'check-in-reminders': () => this.mentoring.remindDue(),
      },
      outcomes: {
        tick: () => this.questionnaires.tick(),
      },
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    // Jobs run, by queue and name: with several workers a scheduled job's total still rises once per tick.
    const completed = new Counter({
      name: 'kindred_jobs_completed_total',
      help: 'Jobs this worker completed, by queue and job',
      labelNames: ['queue', 'job'],
      registers: [this.metrics.registry],
    });
    this.workers = startJobRunners(this.config, this.handlers(), {
      concurrency: { screening: this.config.screening.concurrency, notifications: 20 },
      lockDurationMs: this.config.screening.lockSeconds * 1000,
      onCompleted: (queue, job) => completed.inc({ queue, job }),
    });
    await this.schedule();
    // Each review deadline is acted on when it falls due; the deadlines.tick job stays the safety net.
    this.deadlineTimer = this.deadlines.startTimer({ databaseUrl: this.config.database.url, maxWaitMs: this.config.deadlines.intervalSeconds * 1000 });
    // Not a BullMQ job: it must keep running when Redis has lost its state, to put work back.
    this.timers.push(setInterval(() => void this.sweeper.sweep(), this.config.screening.sweepIntervalSeconds * 1000));
    this.logger.log('moderation worker running');
  }

  /**
   * Job schedulers live in Redis, which may lose them on a restart without persistence; they are
   * upserted at boot and again every minute so a wiped Redis gets them back.
   */
  private async schedule(): Promise<void> {
    const upsert = async () => {
      try {
        const housekeeping = this.producer.queue('housekeeping');
        await housekeeping.upsertJobScheduler('prune-sessions', { every: 3600_000 }, { name: 'prune-sessions', data: {} });
        await housekeeping.upsertJobScheduler('prune-outbox', { every: 600_000 }, { name: 'prune-outbox', data: {} });
        await this.producer.queue('deadlines').upsertJobScheduler('tick', { every: this.config.deadlines.intervalSeconds * 1000 }, { name: 'tick', data: {} });
        await this.producer
          .queue('retention')
          .upsertJobScheduler('purge', { every: this.config.retention.intervalSeconds * 1000 }, { name: 'purge', data: {} });
        await this.producer
          .queue('notifications')
          .upsertJobScheduler('tick', { every: this.config.notifications.tickSeconds * 1000 }, { name: 'tick', data: {} });
        // One job per tick whichever worker takes it; each due check-in is claimed once in SQL as well.
        await this.producer
          .queue('mentoring')
          .upsertJobScheduler('check-in-reminders', { every: this.config.mentoring.reminderIntervalSeconds * 1000 }, { name: 'check-in-reminders', data: {} });
        // Questionnaires fall due by the month: a check every few minutes is prompt enough.
        await this.producer.queue('outcomes').upsertJobScheduler('tick', { every: QUESTIONNAIRE_TICK_MS }, { name: 'tick', data: {} });
      } catch (error) {
        this.logger.warn({ err: error }, 'job schedulers not registered yet');
      }
    };
    await upsert();
    this.timers.push(setInterval(() => void upsert(), 60_000));
  }

  /** Before any module's shutdown, so no drain starts against a closing database pool. */
  async onModuleDestroy(): Promise<void> {
    await this.deadlineTimer?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
  }
}
