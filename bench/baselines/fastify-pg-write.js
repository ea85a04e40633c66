// Bare baseline for `forum-write`: fastify and pg insert the post and `queue.add` a job; run with
// `--worker`, a BullMQ worker marks it visible. GET /posts/:id answers 200 once it is published.
const { Queue, Worker } = require('bullmq');
const IORedis = require('ioredis');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/5';
const prefix = process.env.REDIS_PREFIX ?? 'kindred-bench';
const queueName = process.env.QUEUE ?? 'bench-write';

if (process.argv.includes('--worker')) {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueName,
    async (job) => {
      await pool.query(`UPDATE posts SET status = 'published', was_published = true, screened_at = now() WHERE id = $1 AND status = 'screening'`, [
        job.data.id,
      ]);
    },
    { connection, prefix, concurrency: Number(process.env.CONCURRENCY ?? 50) },
  );
  worker.on('ready', () => process.stdout.write('ready\n'));
  process.once('SIGTERM', () =>
    worker
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
  );
} else {
  const fastify = require('fastify')({ logger: false });
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  const author = process.env.BENCH_AUTHOR_ID;

  fastify.get('/health', async () => ({ status: 'ok' }));

  fastify.post('/topics/:topicId/posts', async (request, reply) => {
    const { rows } = await pool.query(
      `INSERT INTO posts (topic_id, group_id, author_id, body, status) SELECT id, group_id, $2, $3, 'screening' FROM topics WHERE id = $1 RETURNING id`,
      [request.params.topicId, author, request.body.body],
    );
    if (!rows.length) return reply.code(404).send({ code: 'NOT_FOUND' });
    const id = rows[0].id;
    await queue.add('screen', { subject: 'post', id, revision: 1 }, { jobId: `post-${id}-r1`, removeOnComplete: true, removeOnFail: 1000 });
    return reply.code(202).send({ id, status: 'screening' });
  });

  fastify.get('/posts/:id', async (request, reply) => {
    const { rows } = await pool.query('SELECT id, topic_id, body, status, created_at FROM posts WHERE id = $1', [request.params.id]);
    if (!rows.length || rows[0].status !== 'published') return reply.code(404).send({ code: 'NOT_FOUND' });
    return rows[0];
  });

  fastify.listen({ port: Number(process.env.PORT ?? 4001), host: '127.0.0.1' }).then(() => process.stdout.write('ready\n'));
  process.once('SIGTERM', () =>
    fastify
      .close()
      .then(() => queue.close())
      .then(() => pool.end())
      .then(() => process.exit(0)),
  );
}
