import { Logger } from '@nestjs/common';
import type { QueueProducer } from '@kindred/queues';
import type { MailMessage } from './mail-templates';
import { MailService } from './mail.service';

Logger.overrideLogger(false);

interface QueuedJob {
  queue: string;
  name: string;
  payload: { messageId: string; to: string; message: MailMessage };
  options: { jobId?: string; attempts?: number; backoff?: unknown; removeOnComplete?: boolean; removeOnFail?: boolean };
}

/** The queue in memory: like BullMQ, a job whose id is already there is not added again; `down` fails every add as an unreachable Redis would. */
class FakeProducer {
  jobs: QueuedJob[] = [];
  down = false;
  async enqueue(queue: string, name: string, payload: QueuedJob['payload'], options: QueuedJob['options'] = {}) {
    if (this.down) throw new Error('enqueue to mail timed out');
    if (options.jobId && this.jobs.some((j) => j.queue === queue && j.options.jobId === options.jobId)) return;
    this.jobs.push({ queue, name, payload, options });
  }
}

const RESET: MailMessage = { template: 'password-reset', links: { reset: 'https://kindred.test/reset-password?token=t' } };

function mail() {
  const producer = new FakeProducer();
  return { producer, service: new MailService(producer as unknown as QueueProducer) };
}

describe('MailService', () => {
  it('puts a mail on the mail queue for the sender, named by its message id, and says it was queued', async () => {
    const { service, producer } = mail();
    expect(await service.send('sam@example.org', RESET, 'reset-1')).toBe(true);
    expect(producer.jobs).toEqual([
      {
        queue: 'mail',
        name: 'send',
        payload: { messageId: 'reset-1', to: 'sam@example.org', message: RESET },
        options: expect.objectContaining({ jobId: 'reset-1' }),
      },
    ]);
  });

  it('queues a message once, however many times it is asked for with the same message id', async () => {
    const { service, producer } = mail();
    await service.send('sam@example.org', RESET, 'reset-1');
    await service.send('sam@example.org', RESET, 'reset-1');
    await service.send('sam@example.org', RESET, 'reset-2');
    expect(producer.jobs.map((j) => j.payload.messageId)).toEqual(['reset-1', 'reset-2']);
  });

  it('gives each mail sent without a message id a new one, so none is mistaken for another', async () => {
    const { service, producer } = mail();
    await service.send('sam@example.org', RESET);
    await service.send('sam@example.org', RESET);
    const ids = producer.jobs.map((j) => j.payload.messageId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const job of producer.jobs) {
      expect(job.payload.messageId).toMatch(/^mail-[0-9a-f-]{36}$/);
      expect(job.options.jobId).toBe(job.payload.messageId);
    }
  });

  it('retries a failed delivery ten times with growing waits, and leaves no finished jobs behind', async () => {
    const { service, producer } = mail();
    await service.send('sam@example.org', RESET, 'reset-1');
    const { attempts, backoff, removeOnComplete, removeOnFail } = producer.jobs[0]!.options;
    expect({ attempts, backoff, removeOnComplete, removeOnFail }).toEqual({
      attempts: 10,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  });

  it('reports a mail that cannot be queued as not queued, without throwing', async () => {
    const { service, producer } = mail();
    producer.down = true;
    await expect(service.send('sam@example.org', RESET, 'reset-1')).resolves.toBe(false);
    expect(producer.jobs).toEqual([]);
    producer.down = false;
    expect(await service.send('sam@example.org', RESET, 'reset-1')).toBe(true);
    expect(producer.jobs).toHaveLength(1);
  });
});
