import { execSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../libs/config/src';
import { recreateTestDatabase } from '../../libs/database/src/ensure-database';
import { runMigrations } from '../../libs/database/src/run-migrations';
import { resilienceEnv } from './resilience-env';

/**
 * Fault tests run the built services as real processes: build them (not the web app, which they
 * do not use: apps/web/dist stays as `npm run build` made it), and give them a fresh database.
 */
export default async function globalSetup(): Promise<void> {
  execSync('node scripts/ensure-build.js --server-only', { cwd: path.resolve(__dirname, '..', '..'), stdio: 'inherit' });
  const config = loadConfig({ ...process.env, ...resilienceEnv() });
  await recreateTestDatabase(config.database.url);
  await runMigrations(config);
}
