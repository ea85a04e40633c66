// Bare baseline for `chat-latency`: a BullMQ worker whose processor does nothing, at the same
// concurrency as Kindred's screening worker. The harness adds jobs at a steady pace with its
// wall-clock send time in `data.sentAt`; on completion this prints `done <ms>` (add → complete),
// so the harness can take the p99 of the queue hop alone.
const { Worker } = require('bullmq');
const IORedis = require('ioredis');

const connection = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/5', { maxRetriesPerRequest: null });
const now = () => performance.timeOrigin + performance.now();
const worker = new Worker(process.env.QUEUE ?? 'bench-latency', async () => undefined, {
  connection,
  prefix: process.env.REDIS_PREFIX ?? 'kindred-bench',
  concurrency: Number(process.env.CONCURRENCY ?? 10),
});
worker.on('completed', (job) => {
  if (typeof job.data?.sentAt === 'number') process.stdout.write(`done ${(now() - job.data.sentAt).toFixed(3)}\n`);
});
worker.on('ready', () => process.stdout.write('ready\n'));
const stop = async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
