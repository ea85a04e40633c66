import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Batcher } from '@kindred/database';
import { OutboxEntry } from './outbox.entity';
import { JobName, JobPayload, QueueName } from './queue-catalogue';
import { QueueProducer } from './queue-producer.service';

type Sendable = Pick<OutboxEntry, 'id' | 'queue' | 'jobName' | 'jobId' | 'payload'>;

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
      await this.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
      return rows.map(() => undefined);
    },
    { maxBatch: 500, maxInFlight: 1 },
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
  ) {}

  /** Call inside the transaction that writes the subject; returns the outbox row id. */
  async stage<Q extends QueueName, J extends JobName<Q>>(manager: EntityManager, queue: Q, name: J, payload: JobPayload<Q, J>, jobId: string): Promise<string> {
    const [row] = (await manager.query(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`, [
      queue,
      name,
      jobId,
      JSON.stringify(payload),
    ])) as Array<{ id: string }>;
    const id = row!.id;
    this.remember({ id, queue, jobName: name, jobId, payload });
    return id;
  }

  /**
   * Writes a subject row and its outbox row in one statement, which is atomic without a
   * transaction around it: one round trip where BEGIN, two INSERTs and COMMIT took four.
   * `subject` is an `INSERT … RETURNING` using parameters `$1…$n`; the job must be known before
   * the statement runs, so the caller chooses the subject's id. Returns the outbox row id, or
   * null when the subject insert wrote nothing (`ON CONFLICT DO NOTHING`), and then nothing is staged.
   */
  async stageWith<Q extends QueueName, J extends JobName<Q>>(
    runner: DataSource | EntityManager,
    subject: { sql: string; params: unknown[] },
    queue: Q,
    name: J,
    payload: JobPayload<Q, J>,
    jobId: string,
  ): Promise<string | null> {
    const n = subject.params.length;
    const rows = (await runner.query(
      `WITH subject AS (${subject.sql})
       INSERT INTO outbox (queue, job_name, job_id, payload)
       SELECT $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb FROM subject
       RETURNING id::text AS id`,
      [...subject.params, queue, name, jobId, JSON.stringify(payload)],
    )) as Array<{ id: string }>;
    if (rows.length === 0) return null;
    if (rows.length > 1) throw new Error(`stageWith: the subject statement wrote ${rows.length} rows; it must write one`);
    const id = rows[0]!.id;
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
      rows.push(
        ...(await this.dataSource
          .getRepository(OutboxEntry)
          .createQueryBuilder('o')
          .where('o.id IN (:...ids)', { ids: unknown })
          .andWhere('o.dispatched_at IS NULL')
          .getMany()),
      );
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
    const rows = await this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .where('o.dispatched_at IS NULL')
      .andWhere(`o.created_at < now() - make_interval(secs => :secs)`, { secs: olderThanSeconds })
      .orderBy('o.id')
      .limit(batch)
      .getMany();
    return this.send(rows);
  }

  /** Dispatched rows are only history; keep an hour of them for debugging. */
  async prune(): Promise<void> {
    await this.dataSource.query(`DELETE FROM outbox WHERE dispatched_at < now() - interval '1 hour'`);
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
