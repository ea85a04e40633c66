import { loadConfigOrExit } from '@kindred/config';
import { bootOrExit } from '@kindred/http';
import { startWorkerApp } from './worker-app';

void bootOrExit('moderation-worker', async () => {
  const config = loadConfigOrExit();
  const worker = await startWorkerApp(config);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void worker.probe.close());
  }
  return worker.context;
});
