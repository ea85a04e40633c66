import IORedis from 'ioredis';
import { loadConfig } from '@kindred/config';
import { DomainError } from '@kindred/http';
import type { RedisService } from '@kindred/redis';
import { accountLimitKey, PasswordAttempts } from './password-attempts';

describe('PasswordAttempts without Redis', () => {
  // A client that never connects: what the forum holds while Redis is down.
  const client = new IORedis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const redis = { client, key: (...parts: string[]) => ['kindred-unit', ...parts].join(':') } as unknown as RedisService;
  const attempts = new PasswordAttempts(redis, loadConfig({}));

  afterAll(() => client.disconnect());

  it('fails closed: 503 SERVICE_UNAVAILABLE with Retry-After, and the password is never checked', async () => {
    const verify = jest.fn(async () => true);
    const outcome = await attempts.check('someone@example.org', '203.0.113.7', verify).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(DomainError);
    expect((outcome as DomainError).code).toBe('SERVICE_UNAVAILABLE');
    expect((outcome as DomainError).headers['Retry-After']).toBe('5');
    expect(verify).not.toHaveBeenCalled();
  });

  it('fails closed for mail requests and mailed links too: no mail is asked for, no token looked up', async () => {
    const mail = await attempts.mailRequest('someone@example.org', '203.0.113.7').catch((error: unknown) => error);
    expect((mail as DomainError).code).toBe('SERVICE_UNAVAILABLE');
    const verify = jest.fn(async () => true);
    const token = await attempts.checkToken('203.0.113.7', verify).catch((error: unknown) => error);
    expect((token as DomainError).code).toBe('SERVICE_UNAVAILABLE');
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('accountLimitKey', () => {
  it('is a hash of the normalised email, never the email', () => {
    const key = accountLimitKey('someone@example.org');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).not.toContain('someone');
    expect(accountLimitKey('someone@example.org')).toBe(key);
    expect(accountLimitKey('someone-else@example.org')).not.toBe(key);
  });
});
