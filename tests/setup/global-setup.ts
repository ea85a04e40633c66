import IORedis from 'ioredis';
import { loadConfig } from '../../libs/config/src';
import { runMigrations } from '../../libs/database/src/run-migrations';
import { recreateTestDatabase } from '../../libs/database/src/ensure-database';
import { testEnv } from './test-env';

/** Runs once before the e2e suite: a fresh, migrated test database and an empty Redis namespace. */
export default async function globalSetup(): Promise<void> {
  const env = testEnv();
  Object.assign(process.env, env);
  const config = loadConfig({ ...process.env, ...env });
  await recreateTestDatabase(config.database.url);
  await runMigrations(config);
  const redis = new IORedis(config.redis.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
