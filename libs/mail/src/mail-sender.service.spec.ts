import type { KindredConfig } from '@kindred/config';
import type { MailJob } from '@kindred/queues';
import type { RedisService } from '@kindred/redis';
import { MailSender } from './mail-sender.service';

const sendMail = jest.fn();
jest.mock('nodemailer', () => ({ createTransport: () => ({ sendMail, close: () => undefined }) }));

/** The few Redis commands the sender uses, in memory (expiry ignored). */
function fakeRedis(): RedisService {
  const store = new Map<string, string>();
  const client = {
    set: async (key: string, value: string, ...args: unknown[]) => {
      if (args.includes('NX') && store.has(key)) return null;
      store.set(key, value);
      return 'OK';
    },
    get: async (key: string) => store.get(key) ?? null,
    del: async (key: string) => Number(store.delete(key)),
  };
  return { client, key: (...parts: string[]) => ['test', ...parts].join(':') } as unknown as RedisService;
}

const config = { mail: { smtpUrl: 'smtp://127.0.0.1:1025', from: 'Kindred <no-reply@kindred.example>' } } as KindredConfig;
const job: MailJob = {
  messageId: 'verify-1',
  to: 'sam@example.org',
  message: { template: 'verify-email', links: { verify: 'https://k.example/verify-email?token=t' } },
};

describe('MailSender', () => {
  beforeEach(() => sendMail.mockReset());

  it('sends a message once, whatever number of times its job runs', async () => {
    sendMail.mockResolvedValue({});
    const sender = new MailSender(config, fakeRedis());
    expect(await sender.deliver(job)).toBe('sent');
    expect(await sender.deliver(job)).toBe('already-sent');
    expect(await sender.deliver({ ...job })).toBe('already-sent');
    expect(sendMail).toHaveBeenCalledTimes(1);
    expect(sendMail.mock.calls[0][0]).toMatchObject({ to: 'sam@example.org', messageId: '<verify-1@kindred>', subject: expect.stringContaining('Kindred') });
  });

  it('lets a retry send after a failed attempt', async () => {
    sendMail.mockRejectedValueOnce(new Error('connection refused')).mockResolvedValue({});
    const sender = new MailSender(config, fakeRedis());
    await expect(sender.deliver(job)).rejects.toThrow('connection refused');
    expect(await sender.deliver(job)).toBe('sent');
    expect(sendMail).toHaveBeenCalledTimes(2);
  });

  it('does not send while another attempt holds the message', async () => {
    const redis = fakeRedis();
    await redis.client.set(redis.key('mail-sent', job.messageId), 'sending');
    await expect(new MailSender(config, redis).deliver(job)).rejects.toThrow(/being sent/);
    expect(sendMail).not.toHaveBeenCalled();
  });
});
