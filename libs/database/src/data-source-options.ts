import { Client } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { KindredConfig } from '@kindred/config';
import { MIGRATIONS } from './migrations';

/**
 * One place that says how Kindred talks to PostgreSQL. `synchronize` is off everywhere, tests
 * included: the schema only ever changes through reviewed migrations.
 */
export function dataSourceOptions(config: KindredConfig, applicationName: string, replicaUrls: string[] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    // With replicas, TypeORM keeps a pool per server; every statement still goes to the primary
    // (defaultMode) unless a repository asks ReplicaReads for a replica.
    ...(replicaUrls.length > 0 ? { replication: { master: { url: config.database.url }, slaves: replicaUrls.map((url) => ({ url })), defaultMode: 'master' as const } } : {}),
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

/**
 * The replicas that answer now. TypeORM opens a connection to every server at start-up and fails
 * when one does not answer; a forum must start while a replica is down, reading the primary.
 */
export async function answeringReplicas(urls: string[]): Promise<string[]> {
  const answers = await Promise.all(
    urls.map(async (url) => {
      // A few tries: a busy replica is not a down one.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
        try {
          await client.connect();
          return true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 500));
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      return false;
    }),
  );
  return urls.filter((_, i) => answers[i]);
}
