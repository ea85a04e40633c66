// Bare baseline for `screening`: a BullMQ worker whose processor does nothing, at the same
// concurrency as Kindred's screening worker. The harness adds the jobs and times the drain.
const { Worker } = require('bullmq');
const IORedis = require('ioredis');

const connection = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/5', { maxRetriesPerRequest: null });
const worker = new Worker(process.env.QUEUE ?? 'bench-noop', async () => undefined, {
  connection,
  prefix: process.env.REDIS_PREFIX ?? 'kindred-bench',
  concurrency: Number(process.env.CONCURRENCY ?? 50),
});
worker.on('ready', () => process.stdout.write('ready\n'));
const stop = async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
