import { execSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import e2eGlobalSetup from '../setup/global-setup';

const root = resolve(__dirname, '../..');

/**
 * Builds the web app for this run into a folder of its own, which the forum serves
 * (KINDRED_WEB_DIST), so a rebuild of apps/web/dist by anyone else mid-run cannot change the
 * pages under test; then prepares the test database like the e2e suite.
 */
export default async function globalSetup(): Promise<void> {
  const out = join(tmpdir(), `kindred-web-${process.env.KINDRED_TEST_DB ?? 'kindred_test'}`);
  // Jest sets NODE_ENV=test: this is a production build all the same, as `npm run build:web` makes.
  execSync(`npx vite build apps/web --mode production --outDir ${JSON.stringify(out)} --emptyOutDir --logLevel warn`, {
    cwd: root,
    stdio: 'inherit',
    timeout: 180_000,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  process.env.KINDRED_WEB_DIST = out;
  await e2eGlobalSetup();
}
