import type { DataSourceOptions } from 'typeorm';
import type { KindredConfig } from '@kindred/config';
import { MIGRATIONS } from './migrations';

/**
 * One place that says how Kindred talks to PostgreSQL. `synchronize` is off everywhere, tests
 * included: the schema only ever changes through reviewed migrations.
 */
export function dataSourceOptions(config: KindredConfig, applicationName: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    applicationName: `kindred-${applicationName}`,
    extra: {
      max: 20,
      // Fail fast while PostgreSQL is down, so callers get a 503 instead of a hang.
      connectionTimeoutMillis: 2000,
      statement_timeout: 15000,
      idle_in_transaction_session_timeout: 30000,
    },
  };
}
