import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { openRedis } from '@kindred/redis';
import { JobName, JobPayload, QUEUE_NAMES, QueueName } from './queue-catalogue';

const ENQUEUE_TIMEOUT_MS = 1500;
const JOB_DEFAULTS: JobsOptions = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } };

/** While Redis is down a command waits for the reconnection; callers here would rather fail fast and leave the job in the outbox. */
async function withTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds jobs to Kindred's queues. While Redis is down it fails fast; the outbox keeps the job. */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueProducer.name);
  private readonly queues = new Map<QueueName, Queue>();
  private readonly connections: IORedis[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: KindredConfig) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const connection = openRedis(this.config, 'queue-producer');
      this.connections.push(connection);
      queue = new Queue(name, { connection, prefix: this.config.redis.prefix });
      queue.on('error', (error) => this.logger.warn({ queue: name, err: error }, 'queue connection error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<Q extends QueueName, J extends JobName<Q>>(queue: Q, name: J, payload: JobPayload<Q, J>, options: JobsOptions = {}): Promise<void> {
    await withTimeout(`enqueue to ${queue}`, this.queue(queue).add(name, payload, { ...JOB_DEFAULTS, ...options }));
  }

  /** Several jobs, one round trip per queue (BullMQ's addBulk is one MULTI): all of a queue's jobs are added, or none. */
  async enqueueMany(jobs: Array<{ queue: QueueName; name: string; payload: unknown; jobId: string }>): Promise<void> {
    const byQueue = new Map<QueueName, typeof jobs>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    await Promise.all(
      [...byQueue].map(([queue, some]) =>
        withTimeout(
          `enqueue to ${queue}`,
          this.queue(queue).addBulk(some.map((job) => ({ name: job.name, data: job.payload, opts: { ...JOB_DEFAULTS, jobId: job.jobId } }))),
        ),
      ),
    );
  }

  /**
   * For sweepers: adds the job, or retries it when a job with that id already failed (a plain add
   * would be ignored, leaving the work stuck behind its failed twin).
   */
  async enqueueOrRetry<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    name: J,
    payload: JobPayload<Q, J>,
    jobId: string,
  ): Promise<'added' | 'retried' | 'pending'> {
    const existing = await this.queue(queue).getJob(jobId);
    if (existing) {
      if (await existing.isFailed()) {
        await existing.retry('failed');
        return 'retried';
      }
      if (!(await existing.isCompleted())) return 'pending';
      await existing.remove();
    }
    await this.enqueue(queue, name, payload, { jobId });
    return 'added';
  }

  async depths(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of QUEUE_NAMES) {
      try {
        out[name] = await this.queue(name).count();
      } catch {
        out[name] = -1;
      }
    }
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    // BullMQ leaves connections it was given open.
    for (const connection of this.connections) connection.disconnect();
  }
}
