import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/config/src';
import { dataSourceOptions } from '../../libs/database/src/data-source-options';
import { asTx, type Tx } from '../../libs/database/src/transactions';
import { DEFAULT_MODERATION } from '../../libs/groups/src/group/moderation-settings';
import { testEnv } from './test-env';

/**
 * A connection to the migrated test database for a repository's own tests (the `repository` tier),
 * with the entities the repository maps.
 */
export async function repositoryDataSource(entities: Array<new () => unknown>): Promise<DataSource> {
  const env = testEnv();
  const config = loadConfig({ ...process.env, ...env });
  const dataSource = new DataSource({ ...dataSourceOptions(config, 'repository-spec'), entities, extra: { max: 2 } });
  return dataSource.initialize();
}

/** A person to hang rows on: repositories of every context point at `users`. */
export async function insertUser(dataSource: DataSource): Promise<string> {
  const id = randomUUID();
  const tag = id.replace(/[^a-z]/g, '').slice(0, 8);
  await dataSource.query(
    `INSERT INTO users (id, email, email_normalised, password_hash, display_name, display_name_normalised, display_name_skeleton, date_of_birth)
     VALUES ($1, $2, $2, 'x', $3, $4, $4, '1990-01-01')`,
    [id, `${id}@example.test`, `Person ${tag}`, `person ${id}`],
  );
  return id;
}

/**
 * A group as the groups context would make it (eligibility and moderation settings complete), so
 * the rows these tests leave behind read like any other group to the services and tests that run
 * after them on the same database (the public directory lists every group).
 */
export async function insertGroup(
  dataSource: DataSource,
  options: { name?: string; moderation?: Partial<typeof DEFAULT_MODERATION>; slowModeSeconds?: number; chatRetentionDays?: number } = {},
): Promise<string> {
  const [{ id }] = (await dataSource.query(
    `INSERT INTO groups (slug, name, condition, eligibility, moderation, slow_mode_seconds, chat_retention_days)
     VALUES ($1, $2, 'c', $3, $4, $5, $6) RETURNING id`,
    [
      `g-${randomUUID()}`,
      options.name ?? 'Repository test group',
      JSON.stringify({ minAge: 18, questions: [] }),
      JSON.stringify({ ...DEFAULT_MODERATION, ...options.moderation }),
      options.slowModeSeconds ?? 0,
      options.chatRetentionDays ?? 90,
    ],
  )) as Array<{ id: string }>;
  return id;
}

/** Runs `work` in a transaction, handed over as the repositories take it. */
export function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dataSource.transaction((entityManager) => work(asTx(entityManager)));
}

/** The repositories' "no transaction": each statement commits on its own. */
export function noTransaction(dataSource: DataSource): Tx {
  return asTx(dataSource.manager);
}
