import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxEntry } from './outbox.entity';
import { JobName, JobPayload, QueueName } from './queue-catalogue';
import { QueueProducer } from './queue-producer.service';

/**
 * The transactional outbox: a job is written in the same transaction as the row it is about,
 * then handed to BullMQ. If Redis is down the row waits here and the relay sends it later, so
 * nothing accepted is ever lost.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
  ) {}

  /** Call inside the transaction that writes the subject; returns the outbox row id. */
  async stage<Q extends QueueName, J extends JobName<Q>>(manager: EntityManager, queue: Q, name: J, payload: JobPayload<Q, J>, jobId: string): Promise<string> {
    const result = await manager.insert(OutboxEntry, { queue, jobName: name, jobId, payload: payload as object, dispatchedAt: null });
    return String(result.identifiers[0]!.id);
  }

  /** After commit: try to hand the rows to BullMQ now. Failure is fine; the relay retries. */
  async dispatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .where('o.id IN (:...ids)', { ids })
      .andWhere('o.dispatched_at IS NULL')
      .getMany();
    await this.send(rows);
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

  private async send(rows: OutboxEntry[]): Promise<number> {
    let sent = 0;
    for (const row of rows) {
      try {
        await this.producer.enqueue(row.queue as QueueName, row.jobName as never, row.payload as never, { jobId: row.jobId });
        await this.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE id = $1`, [row.id]);
        sent += 1;
      } catch (error) {
        this.logger.warn({ outboxId: row.id, err: (error as Error).message }, 'outbox row not dispatched yet');
        break; // Redis is most likely down: the rest would fail the same way.
      }
    }
    return sent;
  }
}
