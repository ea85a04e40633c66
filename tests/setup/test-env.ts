/**
 * The environment every test process shares: its own PostgreSQL database (the name must contain
 * "test") and its own Redis database and key prefix, so tests never touch development data.
 */
export function testEnv(): Record<string, string> {
  const db = process.env.KINDRED_TEST_DB ?? 'kindred_test';
  const redisDb = process.env.KINDRED_TEST_REDIS_DB ?? '1';
  return {
    NODE_ENV: 'test',
    DATABASE_URL: process.env.KINDRED_TEST_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${db}`,
    REDIS_URL: process.env.KINDRED_TEST_REDIS_URL ?? `redis://127.0.0.1:6379/${redisDb}`,
    REDIS_PREFIX: process.env.KINDRED_TEST_REDIS_PREFIX ?? `kindred-test-${db}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOGIN_FAILURES_PER_ADDRESS: '1000',
    // Every service under test opens its internal /metrics listener on a free port.
    FORUM_METRICS_PORT: '0',
    CHAT_METRICS_PORT: '0',
    // Chat must deliver on the worker's event: a room re-read every few seconds would hide a broken event path.
    CHAT_DELIVERY_SWEEP_SECONDS: '3600',
    // The test file's mailbox (tests/setup/mailbox-setup.ts); mail requests from 127.0.0.1 are many in a run.
    ...(process.env.KINDRED_TEST_SMTP_URL ? { SMTP_URL: process.env.KINDRED_TEST_SMTP_URL } : {}),
    MAIL_REQUESTS_PER_ADDRESS: '100000',
    TOKEN_FAILURES_PER_ADDRESS: '1000',
  };
}
