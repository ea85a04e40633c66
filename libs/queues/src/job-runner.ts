import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { KindredConfig } from '@kindred/config';
import { openRedis } from '@kindred/redis';
import { JobHandlers, JobProcess, missingHandlers, QueueName, queuesOf } from './queue-catalogue';

export class MissingJobHandlersError extends Error {
  constructor(readonly missing: string[]) {
    super(`The worker has no handler for: ${missing.join(', ')}. Refusing to start.`);
  }
}

export interface RunnerOptions {
  concurrency?: Partial<Record<QueueName, number>>;
  lockDurationMs?: number;
  /** Called after each job a handler completed (for the metrics that count runs). */
  onCompleted?: (queue: QueueName, job: string) => void;
}

/**
 * Starts one BullMQ worker per queue the process runs (QUEUE_PROCESS), dispatching by job name.
 * Refuses to start if any of those jobs lacks a handler.
 */
export function startJobRunners<P extends JobProcess = 'moderation-worker'>(
  config: KindredConfig,
  handlers: JobHandlers<P>,
  options: RunnerOptions = {},
  process: P = 'moderation-worker' as P,
): Worker[] {
  const missing = missingHandlers(handlers as unknown as Record<string, Record<string, unknown>>, process);
  if (missing.length > 0) throw new MissingJobHandlersError(missing);
  const logger = new Logger('JobRunner');
  return queuesOf(process).map((queue) => {
    const table = (handlers as unknown as Record<string, unknown>)[queue] as Record<
      string,
      (payload: unknown, meta: { jobId: string | undefined; attempt: number }) => Promise<unknown>
    >;
    const connection = openRedis(config, 'queue-worker');
    const worker = new Worker(
      queue,
      async (job) => {
        const handler = table[job.name];
        if (!handler) throw new Error(`no handler for ${queue}.${job.name}`);
        return handler(job.data, { jobId: job.id, attempt: job.attemptsMade + 1 });
      },
      {
        connection,
        prefix: config.redis.prefix,
        concurrency: options.concurrency?.[queue] ?? 1,
        lockDuration: options.lockDurationMs ?? 15000,
        stalledInterval: options.lockDurationMs ?? 15000,
        autorun: true,
      },
    );
    worker.on('completed', (job) => options.onCompleted?.(queue, job.name));
    worker.on('failed', (job, error) => logger.warn({ queue, job: job?.name, jobId: job?.id, err: error }, 'job failed'));
    worker.on('error', (error) => logger.warn({ queue, err: error }, 'worker connection error'));
    // BullMQ leaves connections it was given open; close ours with the worker.
    worker.on('closed', () => connection.disconnect());
    return worker;
  });
}
