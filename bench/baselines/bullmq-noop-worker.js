// Bare BullMQ baseline: a worker whose processor does nothing, at the concurrency of Kindred's
// screening worker. `screening` adds jobs and times the drain; `deadlines` reads when its delayed
// jobs completed. With REPORT_LATENCY=1 (`chat-latency`), each job carrying its wall-clock send
// time in `data.sentAt` prints `done <ms>` (add → complete) on completion, so the harness can
// take the p99 of the queue hop alone.
const { Worker } = require('bullmq');
const IORedis = require('ioredis');

const connection = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/5', { maxRetriesPerRequest: null });
const worker = new Worker(process.env.QUEUE ?? 'bench-noop', async () => undefined, {
  connection,
  prefix: process.env.REDIS_PREFIX ?? 'kindred-bench',
  concurrency: Number(process.env.CONCURRENCY ?? 50),
});
if (process.env.REPORT_LATENCY === '1') {
  const now = () => performance.timeOrigin + performance.now();
  worker.on('completed', (job) => {
    if (typeof job.data?.sentAt === 'number') process.stdout.write(`done ${(now() - job.data.sentAt).toFixed(3)}\n`);
  });
}
worker.on('ready', () => process.stdout.write('ready\n'));
const stop = async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
