import type { Tx } from '@kindred/database';
import type { OutboxJob, OutboxRepository, OutboxRow } from './outbox.repository';
import { OutboxService } from './outbox.service';
import type { QueueProducer } from './queue-producer.service';

/** OutboxRepository kept in memory; `written` is the subject's insert answer for insertWith. */
class FakeOutboxRepository implements Pick<OutboxRepository, keyof OutboxRepository> {
  rows: Array<OutboxRow & { dispatched: boolean; age: number }> = [];
  written = 1;
  reads = 0;
  async insert(_tx: Tx, job: OutboxJob) {
    return this.add(job);
  }
  async insertWith(_tx: Tx | null, _subject: { sql: string; params: unknown[] }, job: OutboxJob) {
    return Array.from({ length: this.written }, () => this.add(job));
  }
  async markDispatched(ids: string[]) {
    for (const row of this.rows) if (ids.includes(row.id)) row.dispatched = true;
  }
  async undispatched(ids: string[]) {
    this.reads++;
    return this.rows.filter((r) => ids.includes(r.id) && !r.dispatched);
  }
  async pending(olderThanSeconds: number, limit: number) {
    return this.rows.filter((r) => !r.dispatched && r.age > olderThanSeconds).slice(0, limit);
  }
  async pruneDispatched() {
    this.rows = this.rows.filter((r) => !r.dispatched);
  }
  private add(job: OutboxJob): string {
    const id = String(this.rows.length + 1);
    this.rows.push({ ...job, id, dispatched: false, age: 0 });
    return id;
  }
}

function service() {
  const repository = new FakeOutboxRepository();
  const sent: string[] = [];
  let redisDown = false;
  const producer = {
    enqueueMany: async (jobs: Array<{ jobId: string }>) => {
      if (redisDown) throw new Error('Redis is down');
      sent.push(...jobs.map((j) => j.jobId));
    },
  } as unknown as QueueProducer;
  const outbox = new OutboxService(repository as unknown as OutboxRepository, producer);
  return { repository, sent, outbox, setRedisDown: (down: boolean) => (redisDown = down) };
}

const job = { subject: 'post' as const, id: 'p1', revision: 1 };
const subject = { sql: 'INSERT … RETURNING id', params: [] };

describe('OutboxService (in-memory repository)', () => {
  it('sends a row it staged from memory and marks it sent', async () => {
    const { outbox, repository, sent } = service();
    const id = await outbox.stage({} as Tx, 'screening', 'screen', job, 'post:p1:1');
    await outbox.dispatch([id]);
    expect(sent).toEqual(['post:p1:1']);
    expect(repository.reads).toBe(0);
    expect(repository.rows[0]!.dispatched).toBe(true);
  });

  it('reads back a row another process staged, and sends only what is still waiting', async () => {
    const { outbox, repository, sent } = service();
    await repository.insert({} as Tx, { queue: 'screening', jobName: 'screen', jobId: 'post:p2:1', payload: job });
    await repository.insert({} as Tx, { queue: 'screening', jobName: 'screen', jobId: 'post:p3:1', payload: job });
    repository.rows[1]!.dispatched = true;
    await outbox.dispatch(['1', '2']);
    expect(sent).toEqual(['post:p2:1']);
  });

  it('stages nothing when the subject was not written, and refuses a subject statement that wrote several rows', async () => {
    const { outbox, repository } = service();
    repository.written = 0;
    await expect(outbox.stageWith(null, subject, 'screening', 'screen', job, 'post:p1:1')).resolves.toBeNull();
    repository.written = 2;
    await expect(outbox.stageWith(null, subject, 'screening', 'screen', job, 'post:p1:1')).rejects.toThrow(/must write one/);
    repository.written = 1;
    await expect(outbox.stageWith(null, subject, 'screening', 'screen', job, 'post:p1:1')).resolves.toEqual(expect.any(String));
  });

  it('keeps a row when Redis is down, and the relay sends it later; sent rows are pruned', async () => {
    const { outbox, repository, sent, setRedisDown } = service();
    setRedisDown(true);
    const id = await outbox.stage({} as Tx, 'screening', 'screen', job, 'post:p1:1');
    await outbox.dispatch([id]);
    expect(repository.rows[0]!.dispatched).toBe(false);
    setRedisDown(false);
    await expect(outbox.relayPending(5)).resolves.toBe(0);
    repository.rows[0]!.age = 10;
    await expect(outbox.relayPending(5)).resolves.toBe(1);
    expect(sent).toEqual(['post:p1:1']);
    await outbox.prune();
    expect(repository.rows).toHaveLength(0);
  });
});
