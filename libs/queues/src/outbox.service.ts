import { Injectable, Logger } from '@nestjs/common';
import { Batcher, type Tx } from '@kindred/database';
import { OutboxRepository, OutboxRow } from './outbox.repository';
import { JobName, JobPayload, QueueName } from './queue-catalogue';
import { QueueProducer } from './queue-producer.service';

type Sendable = OutboxRow;

/** Staged rows remembered for their dispatch, at most. */
const STAGED_LIMIT = 10_000;

/**
 * The transactional outbox: a job is written in the same transaction as the row it is about,
 * then handed to BullMQ. If Redis is down the row waits here and the relay sends it later, so
 * nothing accepted is ever lost.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);
  private readonly staged = new Map<string, Sendable>();
  /**
   * Rows to send while a batch is on its way go together in the next: one addBulk per queue and
   * one UPDATE marking them sent, however many requests staged them.
   */
  private readonly sender = new Batcher<Sendable, void>(
    async (rows) => {
      await this.producer.enqueueMany(rows.map((row) => ({ queue: row.queue as QueueName, name: row.jobName, payload: row.payload, jobId: row.jobId })));
      await this.outbox.markDispatched(rows.map((row) => row.id));
      return rows.map(() => undefined);
    },
    { maxBatch: 500, maxInFlight: 1 },
  );

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly producer: QueueProducer,
  ) {}

  /** Call inside the transaction that writes the subject; returns the outbox row id. */
  async stage<Q extends QueueName, J extends JobName<Q>>(tx: Tx, queue: Q, name: J, payload: JobPayload<Q, J>, jobId: string): Promise<string> {
    const id = await this.outbox.insert(tx, { queue, jobName: name, jobId, payload });
    this.remember({ id, queue, jobName: name, jobId, payload });
    return id;
  }

  /**
   * Writes a subject row and its outbox row in one statement, which is atomic without a
   * transaction around it: one round trip where BEGIN, two INSERTs and COMMIT took four (`tx`
   * null), or one statement of the caller's transaction.
   * `subject` is an `INSERT … RETURNING` using parameters `$1…$n`; the job must be known before
   * the statement runs, so the caller chooses the subject's id. Returns the outbox row id, or
   * null when the subject insert wrote nothing (`ON CONFLICT DO NOTHING`), and then nothing is staged.
   */
  async stageWith<Q extends QueueName, J extends JobName<Q>>(
    tx: Tx | null,
    subject: { sql: string; params: unknown[] },
    queue: Q,
    name: J,
    payload: JobPayload<Q, J>,
    jobId: string,
  ): Promise<string | null> {
    const ids = await this.outbox.insertWith(tx, subject, { queue, jobName: name, jobId, payload });
    if (ids.length === 0) return null;
    if (ids.length > 1) throw new Error(`stageWith: the subject statement wrote ${ids.length} rows; it must write one`);
    const id = ids[0]!;
    this.remember({ id, queue, jobName: name, jobId, payload });
    return id;
  }

  /**
   * After commit: try to hand the rows to BullMQ now. Failure is fine; the relay retries. A row
   * this process staged is sent from memory; any other is read first.
   */
  async dispatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows: Sendable[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const row = this.staged.get(id);
      this.staged.delete(id);
      if (row) rows.push(row);
      else unknown.push(id);
    }
    if (unknown.length > 0) {
      rows.push(...(await this.outbox.undispatched(unknown)));
    }
    await this.send(rows);
  }

  /**
   * Rows staged here, kept until dispatched. A row whose transaction rolled back is never
   * dispatched; the oldest entries are dropped past STAGED_LIMIT, so those cannot pile up (a
   * dropped row that did commit is simply read back, or sent by the relay).
   */
  private remember(row: Sendable): void {
    if (this.staged.size >= STAGED_LIMIT) this.staged.delete(this.staged.keys().next().value!);
    this.staged.set(row.id, row);
  }

  /** Sends every row still waiting after `olderThanSeconds`; returns how many went. */
  async relayPending(olderThanSeconds: number, batch = 500): Promise<number> {
    return this.send(await this.outbox.pending(olderThanSeconds, batch));
  }

  /** Dispatched rows are only history; keep an hour of them for debugging. */
  prune(): Promise<void> {
    return this.outbox.pruneDispatched();
  }

  private async send(rows: Sendable[]): Promise<number> {
    const results = await Promise.allSettled(rows.map((row) => this.sender.submit(row)));
    const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed.length > 0) {
      // Redis is most likely down; the relay sends these later.
      this.logger.warn({ rows: failed.length, err: failed[0]!.reason }, 'outbox rows not dispatched yet');
    }
    return results.length - failed.length;
  }
}
