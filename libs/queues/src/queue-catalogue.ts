/** A job's payload type, carried at the type level only. */
function job<Payload>(): Payload {
  return undefined as unknown as Payload;
}

export interface ScreenJob {
  subject: 'post' | 'message';
  id: string;
  /** The revision being screened: an edit is a new revision and gets a job of its own. */
  revision: number;
}

export type TickJob = Record<string, never>;

/**
 * Every queue and every job Kindred runs, each with its payload type. Producers and the worker
 * both use this; the worker refuses to start unless each job here has exactly one handler.
 */
export const QUEUE_CATALOGUE = {
  screening: { screen: job<ScreenJob>() },
  housekeeping: { 'prune-sessions': job<TickJob>(), 'prune-outbox': job<TickJob>() },
  /** Repeatable: review items and applications past their deadline, escalation at twice the SLA. */
  deadlines: { tick: job<TickJob>() },
  /** Repeatable: deletes chat messages past their group's retention period. */
  retention: { purge: job<TickJob>() },
};

export type QueueCatalogue = typeof QUEUE_CATALOGUE;
export type QueueName = keyof QueueCatalogue;
export type JobName<Q extends QueueName> = keyof QueueCatalogue[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = QueueCatalogue[Q][J];

export const QUEUE_NAMES = Object.keys(QUEUE_CATALOGUE) as QueueName[];

export function jobNames<Q extends QueueName>(queue: Q): JobName<Q>[] {
  return Object.keys(QUEUE_CATALOGUE[queue]) as JobName<Q>[];
}

/** The job handlers a worker must provide: the compiler insists on every one. */
export type JobHandlers = {
  [Q in QueueName]: { [J in JobName<Q>]: (payload: JobPayload<Q, J>, meta: { jobId: string | undefined; attempt: number }) => Promise<unknown> };
};

/** The runtime half of the check, for handlers assembled dynamically. */
export function missingHandlers(handlers: Partial<Record<string, Partial<Record<string, unknown>>>>): string[] {
  const missing: string[] = [];
  for (const queue of QUEUE_NAMES) {
    for (const name of jobNames(queue)) {
      if (typeof handlers[queue]?.[name] !== 'function') missing.push(`${queue}.${name}`);
    }
  }
  return missing;
}
