import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { OutboxEntry } from './outbox.entity';

/** A job as written to the outbox and handed to BullMQ. */
export type OutboxJob = Pick<OutboxEntry, 'queue' | 'jobName' | 'jobId' | 'payload'>;
export type OutboxRow = OutboxJob & Pick<OutboxEntry, 'id'>;

/** `outbox`: rows staged with their subject, sent, and pruned once sent. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inside the transaction that writes the subject; returns the row's id. */
  async insert(tx: Tx, job: OutboxJob): Promise<string> {
    const [row] = (await manager(tx).query(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`, [
      job.queue,
      job.jobName,
      job.jobId,
      JSON.stringify(job.payload),
    ])) as Array<{ id: string }>;
    return row!.id;
  }

  /**
   * The subject's `INSERT … RETURNING` (parameters `$1…$n`) and the outbox row in one statement,
   * atomic without a transaction. Returns the ids of the outbox rows written: none when the
   * subject insert wrote nothing.
   */
  async insertWith(tx: Tx | null, subject: { sql: string; params: unknown[] }, job: OutboxJob): Promise<string[]> {
    const n = subject.params.length;
    const rows = (await (tx ? manager(tx) : this.dataSource).query(
      `WITH subject AS (${subject.sql})
       INSERT INTO outbox (queue, job_name, job_id, payload)
       SELECT $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb FROM subject
       RETURNING id::text AS id`,
      [...subject.params, job.queue, job.jobName, job.jobId, JSON.stringify(job.payload)],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  async markDispatched(ids: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** Those of the rows not sent yet. */
  undispatched(ids: string[]): Promise<OutboxRow[]> {
    return this.dataSource.getRepository(OutboxEntry).createQueryBuilder('o').where('o.id IN (:...ids)', { ids }).andWhere('o.dispatched_at IS NULL').getMany();
  }

  /** Rows still waiting after `olderThanSeconds`, oldest first. */
  pending(olderThanSeconds: number, limit: number): Promise<OutboxRow[]> {
    return this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .where('o.dispatched_at IS NULL')
      .andWhere(`o.created_at < now() - make_interval(secs => :secs)`, { secs: olderThanSeconds })
      .orderBy('o.id')
      .limit(limit)
      .getMany();
  }

  /** Sent rows are only history; an hour of them is kept for debugging. */
  async pruneDispatched(): Promise<void> {
    await this.dataSource.query(`DELETE FROM outbox WHERE dispatched_at < now() - interval '1 hour'`);
  }
}
