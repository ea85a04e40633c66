import { testEnv } from '../setup/test-env';

/** Fault tests use their own database and Redis namespace: they stop and kill things. */
export function resilienceEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const base = testEnv();
  const db = `${process.env.KINDRED_TEST_DB ?? 'kindred_test'}_resilience`;
  return {
    ...base,
    DATABASE_URL: base.DATABASE_URL!.replace(/\/[^/]+$/, `/${db}`),
    REDIS_PREFIX: `${base.REDIS_PREFIX}-resilience`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    SCREENING_SWEEP_AFTER_SECONDS: '2',
    SCREENING_SWEEP_INTERVAL_SECONDS: '1',
    SCREENING_LOCK_SECONDS: '3',
    ...overrides,
  };
}
