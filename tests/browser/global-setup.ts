import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import e2eGlobalSetup from '../setup/global-setup';

const root = resolve(__dirname, '../..');
const web = join(root, 'apps/web');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** The forum serves apps/web/dist: build it when missing or older than its sources, then prepare the test database. */
export default async function globalSetup(): Promise<void> {
  const built = join(web, 'dist/index.html');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(web)) {
    // Jest sets NODE_ENV=test, which would give a development build of React.
    execSync('npm run --silent build:web', { cwd: root, stdio: 'inherit', timeout: 180_000, env: { ...process.env, NODE_ENV: 'production' } });
  }
  await e2eGlobalSetup();
}
