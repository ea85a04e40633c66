import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { OutboxEntry } from '../../../libs/queues/src/outbox.entity';
import { OutboxRepository } from '../../../libs/queues/src/outbox.repository';

describe('OutboxRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([OutboxEntry]);
    outbox = new OutboxRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const job = () => ({ queue: 'screening', jobName: 'screen', jobId: `post:${randomUUID()}:1`, payload: { subject: 'post', revision: 1 } });

  it('stages a row in a transaction, reads it back until it is marked sent', async () => {
    const staged = job();
    const id = await inTransaction(dataSource, (tx) => outbox.insert(tx, staged));
    await expect(outbox.undispatched([id])).resolves.toEqual([expect.objectContaining({ id, ...staged })]);
    await outbox.markDispatched([id]);
    await expect(outbox.undispatched([id])).resolves.toEqual([]);
  });

  it('writes the subject and its row in one statement, or neither when the subject wrote nothing', async () => {
    // A stand-in subject: a statement that returns one row, or none.
    const one = await outbox.insertWith(null, { sql: `SELECT $1::text AS id`, params: ['x'] }, job());
    expect(one).toHaveLength(1);
    const none = await outbox.insertWith(null, { sql: `SELECT $1::text AS id WHERE false`, params: ['x'] }, job());
    expect(none).toEqual([]);
  });

  it('lists rows waiting longer than asked, oldest first, and prunes rows sent over an hour ago', async () => {
    const waiting = await outbox.insertWith(null, { sql: `SELECT 1`, params: [] }, job());
    await dataSource.query(`UPDATE outbox SET created_at = now() - interval '1 minute' WHERE id = $1`, [waiting[0]]);
    expect((await outbox.pending(30, 10_000)).map((r) => r.id)).toContain(waiting[0]);
    expect((await outbox.pending(3600, 10_000)).map((r) => r.id)).not.toContain(waiting[0]);
    await dataSource.query(`UPDATE outbox SET dispatched_at = now() - interval '2 hours' WHERE id = $1`, [waiting[0]]);
    await outbox.pruneDispatched();
    await expect(dataSource.query(`SELECT 1 FROM outbox WHERE id = $1`, [waiting[0]])).resolves.toEqual([]);
  });
});
