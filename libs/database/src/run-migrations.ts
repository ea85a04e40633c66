import { DataSource } from 'typeorm';
import type { KindredConfig } from '@kindred/config';
import { dataSourceOptions } from './data-source-options';
import { ensureDatabase } from './ensure-database';

/** Creates the database if needed and applies every pending migration, each in its own transaction. */
export async function runMigrations(config: KindredConfig): Promise<string[]> {
  await ensureDatabase(config.database.url);
  const dataSource = new DataSource(dataSourceOptions(config, 'migrate'));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
