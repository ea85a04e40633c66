import { execSync } from 'node:child_process';
import path from 'node:path';

/** The cluster runs the built services as real processes (each makes its own private PostgreSQL and Redis). */
export default async function globalSetup(): Promise<void> {
  execSync('node scripts/ensure-build.js --server-only', { cwd: path.resolve(__dirname, '..', '..'), stdio: 'inherit' });
}
