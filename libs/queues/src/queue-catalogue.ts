/** A job's payload type, carried at the type level only. */
function job<Payload>(): Payload {
  return undefined as unknown as Payload;
}

export interface ScreenJob {
  subject: 'post' | 'message' | 'conversation-message';
  id: string;
  /** The revision being screened: an edit is a new revision and gets a job of its own. */
  revision: number;
}

export type TickJob = Record<string, never>;

/**
 * One mail to one address. `messageId` is stable for the message (the token's id, or a random id
 * chosen when the mail is asked for): it is the BullMQ job id and the mail's Message-ID, and the
 * sender records it once sent, so a retry or a duplicate job never sends the same mail twice.
 * The job holds the address and link only until it is sent or given up; both remove it.
 */
export interface MailJob {
  messageId: string;
  to: string;
  /** The template and what it needs (links only: never anything a member wrote). */
  message: { template: string; links: Record<string, string>; lines?: string[] };
}

/**
 * One domain event for some people (libs/notifications, `NotificationEvent`): the fan-out writes
 * each person's in-app notification and their push and mail deliveries, once per event and person.
 * Carries ids and fixed words only, never anything a member wrote.
 */
export interface NotificationFanOutJob {
  eventId: string;
  kind: string;
  recipients: string[];
  groupId: string | null;
  subjectId: string | null;
  title: string | null;
  path: string | null;
  urgent: boolean;
  ignoreQuietHours: boolean;
  groupName: string | null;
  count: number;
}

/**
 * Several events at once, fanned out together: a batch of posts published by screening tells each
 * topic's author of a reply in one job, one statement per table, instead of a job per reply.
 */
export interface NotificationFanOutManyJob {
  events: NotificationFanOutJob[];
}

/** One delivery (a notification to one person on one channel), claimed before it is sent. */
export interface NotificationDeliverJob {
  deliveryId: string;
}

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
  /** Repeatable: reminds mentors and mentees whose check-in has fallen due (once per due check-in). */
  mentoring: { 'check-in-reminders': job<TickJob>() },
  /** Repeatable: sends the outcome questionnaires that have fallen due (libs/outcomes). */
  outcomes: { tick: job<TickJob>() },
  /** Mail to one address, retried with exponential backoff (libs/mail). */
  mail: { send: job<MailJob>() },
  /**
   * Notifications: `fan-out` turns one event into notifications and deliveries (`fan-out-many`
   * several events together), `deliver` sends one
   * by push or mail (retried with backoff), `tick` (repeatable) sends due digests and picks up
   * deliveries whose job was lost or whose quiet hours ended.
   */
  notifications: {
    'fan-out': job<NotificationFanOutJob>(),
    'fan-out-many': job<NotificationFanOutManyJob>(),
    deliver: job<NotificationDeliverJob>(),
    tick: job<TickJob>(),
  },
};

/** The processes that run jobs. */
export type JobProcess = 'moderation-worker' | 'forum';

/**
 * Which process runs each queue's jobs. Mail is sent by the forum: it is the process that asks for
 * every mail, and with it a forum alone (as many tests and small installations run it) can
 * register, verify and reset. Screening and the repeatable jobs stay in the moderation worker.
 */
export const QUEUE_PROCESS = {
  screening: 'moderation-worker',
  housekeeping: 'moderation-worker',
  deadlines: 'moderation-worker',
  retention: 'moderation-worker',
  mentoring: 'moderation-worker',
  outcomes: 'moderation-worker',
  mail: 'forum',
  notifications: 'moderation-worker',
} as const satisfies { [Q in keyof typeof QUEUE_CATALOGUE]: JobProcess };

export type QueueCatalogue = typeof QUEUE_CATALOGUE;
export type QueueName = keyof QueueCatalogue;
export type JobName<Q extends QueueName> = keyof QueueCatalogue[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = QueueCatalogue[Q][J];

export const QUEUE_NAMES = Object.keys(QUEUE_CATALOGUE) as QueueName[];

export function jobNames<Q extends QueueName>(queue: Q): JobName<Q>[] {
  return Object.keys(QUEUE_CATALOGUE[queue]) as JobName<Q>[];
}

/** The queues a process runs. */
export function queuesOf(process: JobProcess): QueueName[] {
  return QUEUE_NAMES.filter((queue) => QUEUE_PROCESS[queue] === process);
}

/** The queues QUEUE_PROCESS gives to process P, as a type. */
type QueuesOf<P extends JobProcess> = { [Q in QueueName]: (typeof QUEUE_PROCESS)[Q] extends P ? Q : never }[QueueName];

/** The job handlers a process must provide for the queues it runs: the compiler insists on every one. */
export type JobHandlers<P extends JobProcess = 'moderation-worker'> = {
  [Q in QueuesOf<P>]: { [J in JobName<Q>]: (payload: JobPayload<Q, J>, meta: { jobId: string | undefined; attempt: number }) => Promise<unknown> };
};

/** The runtime half of the check, for handlers assembled dynamically: the jobs of the process's queues without one. */
export function missingHandlers(handlers: Partial<Record<string, Partial<Record<string, unknown>>>>, process: JobProcess = 'moderation-worker'): string[] {
  const missing: string[] = [];
  for (const queue of queuesOf(process)) {
    for (const name of jobNames(queue)) {
      if (typeof handlers[queue]?.[name] !== 'function') missing.push(`${queue}.${name}`);
    }
  }
  return missing;
}
