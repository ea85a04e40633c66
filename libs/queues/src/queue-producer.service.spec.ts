import type { JobsOptions } from 'bullmq';
import type { KindredConfig } from '@kindred/config';
import { QueueProducer } from './queue-producer.service';

/** A BullMQ queue kept in memory: jobs by id (an add with a taken id is ignored, as BullMQ does), and what each call was given. */
class MockQueue {
  static made: MockQueue[] = [];
  jobs = new Map<string, MockJob>();
  adds: Array<{ name: string; data: unknown; opts: JobsOptions }> = [];
  bulks: Array<Array<{ name: string; data: unknown; opts: JobsOptions }>> = [];
  /** Set to a promise that never settles to stand for Redis being down. */
  hang: Promise<never> | null = null;
  failCount = false;
  failClose = false;
  closed = false;
  private ids = 0;

  constructor(
    readonly name: string,
    readonly options: { connection: unknown; prefix: string },
  ) {
    MockQueue.made.push(this);
  }
  on() {
    return this;
  }
  async add(name: string, data: unknown, opts: JobsOptions) {
    if (this.hang) return this.hang;
    this.adds.push({ name, data, opts });
    const id = opts.jobId ?? `auto-${++this.ids}`;
    if (!this.jobs.has(id)) this.jobs.set(id, new MockJob(this, id, 'waiting'));
    return this.jobs.get(id)!;
  }
  async addBulk(jobs: Array<{ name: string; data: unknown; opts: JobsOptions }>) {
    if (this.hang) return this.hang;
    this.bulks.push(jobs);
    return jobs;
  }
  async getJob(id: string) {
    return this.jobs.get(id);
  }
  async count() {
    if (this.failCount) throw new Error('Connection is closed');
    return this.jobs.size;
  }
  async close() {
    this.closed = true;
    if (this.failClose) throw new Error('already closed');
  }
}

class MockJob {
  constructor(
    private readonly queue: MockQueue,
    readonly id: string,
    public state: 'waiting' | 'failed' | 'completed',
  ) {}
  async isFailed() {
    return this.state === 'failed';
  }
  async isCompleted() {
    return this.state === 'completed';
  }
  async retry(from: string) {
    if (from === this.state) this.state = 'waiting';
  }
  async remove() {
    this.queue.jobs.delete(this.id);
  }
}

const mockConnections: Array<{ purpose: string; disconnected: boolean; disconnect: () => void }> = [];
// Looked up when a queue is made: jest.mock runs before the classes above are defined.
jest.mock('bullmq', () => ({ Queue: jest.fn((name: string, options: { connection: unknown; prefix: string }) => new MockQueue(name, options)) }));
jest.mock('@kindred/redis', () => ({
  openRedis: (_config: unknown, purpose: string) => {
    const connection = {
      purpose,
      disconnected: false,
      disconnect() {
        this.disconnected = true;
      },
    };
    mockConnections.push(connection);
    return connection;
  },
}));

const config = { redis: { url: 'redis://unused', prefix: 'kindred-test' } } as KindredConfig;
const DEFAULTS = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } };
const queueNamed = (name: string) => MockQueue.made.find((q) => q.name === name)!;

describe('QueueProducer (BullMQ and Redis in memory)', () => {
  beforeEach(() => {
    MockQueue.made = [];
    mockConnections.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it("adds a job with Kindred's retry defaults, which the caller's options override, on one queue and connection per name", async () => {
    const producer = new QueueProducer(config);
    await producer.enqueue('screening', 'screen', { subject: 'post', id: 'p1', revision: 2 });
    await producer.enqueue('screening', 'screen', { subject: 'post', id: 'p1', revision: 3 }, { jobId: 'post:p1:3', attempts: 1 });
    const screening = queueNamed('screening');
    expect(screening.adds).toEqual([
      { name: 'screen', data: { subject: 'post', id: 'p1', revision: 2 }, opts: DEFAULTS },
      { name: 'screen', data: { subject: 'post', id: 'p1', revision: 3 }, opts: { ...DEFAULTS, jobId: 'post:p1:3', attempts: 1 } },
    ]);
    expect(MockQueue.made).toHaveLength(1);
    expect(mockConnections).toEqual([expect.objectContaining({ purpose: 'queue-producer' })]);
    expect(screening.options).toEqual({ connection: mockConnections[0], prefix: 'kindred-test' });
  });

  it('adds several jobs with one bulk call per queue, each keeping its id and the defaults', async () => {
    const producer = new QueueProducer(config);
    await producer.enqueueMany([
      { queue: 'mail', name: 'send', payload: { messageId: 'm1' }, jobId: 'm1' },
      { queue: 'screening', name: 'screen', payload: { id: 'p1' }, jobId: 'post:p1:1' },
      { queue: 'mail', name: 'send', payload: { messageId: 'm2' }, jobId: 'm2' },
    ]);
    expect(queueNamed('mail').bulks).toEqual([
      [
        { name: 'send', data: { messageId: 'm1' }, opts: { ...DEFAULTS, jobId: 'm1' } },
        { name: 'send', data: { messageId: 'm2' }, opts: { ...DEFAULTS, jobId: 'm2' } },
      ],
    ]);
    expect(queueNamed('screening').bulks).toEqual([[{ name: 'screen', data: { id: 'p1' }, opts: { ...DEFAULTS, jobId: 'post:p1:1' } }]]);
  });

  it('fails fast while Redis does not answer, so the job stays in the outbox', async () => {
    jest.useFakeTimers();
    const producer = new QueueProducer(config);
    producer.queue('mail');
    queueNamed('mail').hang = new Promise<never>(() => undefined);
    const single = producer.enqueue('mail', 'send', { messageId: 'm1', to: 'a@example.org', message: { template: 't', links: {} } });
    const many = producer.enqueueMany([{ queue: 'mail', name: 'send', payload: {}, jobId: 'm2' }]);
    const outcomes = Promise.allSettled([single, many]);
    await jest.advanceTimersByTimeAsync(1499);
    let settled = false;
    void outcomes.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await outcomes).toEqual([
      { status: 'rejected', reason: new Error('enqueue to mail timed out') },
      { status: 'rejected', reason: new Error('enqueue to mail timed out') },
    ]);
  });

  it('leaves no timer behind once a job is added', async () => {
    jest.useFakeTimers();
    const producer = new QueueProducer(config);
    await producer.enqueue('retention', 'purge', {});
    await producer.enqueueMany([{ queue: 'deadlines', name: 'tick', payload: {}, jobId: 'tick' }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  describe('enqueueOrRetry, for sweepers', () => {
    const payload = { subject: 'message' as const, id: 'm1', revision: 1 };

    it('adds a job that is not there, under the given id', async () => {
      const producer = new QueueProducer(config);
      await expect(producer.enqueueOrRetry('screening', 'screen', payload, 'message:m1:1')).resolves.toBe('added');
      expect(queueNamed('screening').adds).toEqual([{ name: 'screen', data: payload, opts: { ...DEFAULTS, jobId: 'message:m1:1' } }]);
    });

    it('retries its failed twin instead of adding a job BullMQ would ignore', async () => {
      const producer = new QueueProducer(config);
      const screening = producer.queue('screening') as unknown as MockQueue;
      const failed = new MockJob(screening, 'message:m1:1', 'failed');
      screening.jobs.set(failed.id, failed);
      await expect(producer.enqueueOrRetry('screening', 'screen', payload, 'message:m1:1')).resolves.toBe('retried');
      expect(failed.state).toBe('waiting');
      expect(screening.adds).toEqual([]);
    });

    it('leaves a job that is still waiting or running alone', async () => {
      const producer = new QueueProducer(config);
      const screening = producer.queue('screening') as unknown as MockQueue;
      screening.jobs.set('message:m1:1', new MockJob(screening, 'message:m1:1', 'waiting'));
      await expect(producer.enqueueOrRetry('screening', 'screen', payload, 'message:m1:1')).resolves.toBe('pending');
      expect(screening.adds).toEqual([]);
    });

    it('replaces a completed job with the same id by a new one', async () => {
      const producer = new QueueProducer(config);
      const screening = producer.queue('screening') as unknown as MockQueue;
      screening.jobs.set('message:m1:1', new MockJob(screening, 'message:m1:1', 'completed'));
      await expect(producer.enqueueOrRetry('screening', 'screen', payload, 'message:m1:1')).resolves.toBe('added');
      expect(screening.adds).toHaveLength(1);
      expect(screening.jobs.get('message:m1:1')!.state).toBe('waiting');
    });
  });

  it('reports the depth of every queue, -1 for one it cannot reach', async () => {
    const producer = new QueueProducer(config);
    await producer.enqueue('mail', 'send', { messageId: 'm1', to: 'a@example.org', message: { template: 't', links: {} } });
    (producer.queue('deadlines') as unknown as MockQueue).failCount = true;
    await expect(producer.depths()).resolves.toEqual({
      screening: 0,
      housekeeping: 0,
      deadlines: -1,
      retention: 0,
      mentoring: 0,
      outcomes: 0,
      mail: 1,
      notifications: 0,
    });
  });

  it('on shutdown closes every queue, even after one fails to close, and disconnects the connections BullMQ leaves open', async () => {
    const producer = new QueueProducer(config);
    producer.queue('mail');
    producer.queue('screening');
    queueNamed('mail').failClose = true;
    await producer.onApplicationShutdown();
    expect(MockQueue.made.map((q) => q.closed)).toEqual([true, true]);
    expect(mockConnections.map((c) => c.disconnected)).toEqual([true, true]);
  });
});
