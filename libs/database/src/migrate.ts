import { loadConfigOrExit } from '@kindred/config';
import { runMigrations } from './run-migrations';

// `npm run migrate`: bring the configured database up to date.
runMigrations(loadConfigOrExit())
  .then((applied) => {
    process.stdout.write(applied.length ? `Applied migrations: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  })
  .catch((error: Error) => {
    process.stderr.write(`Migration failed: ${error.message}\n`);
    process.exit(1);
  });
