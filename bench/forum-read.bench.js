// `forum-read`: GET /topics/:id/posts (a page of 20) at 100 connections on a seeded forum, through
// the real forum process, against bare fastify + pg running the same SQL for the page.
const lib = require('./lib');
const { seededForum } = require('./community');

const CONNECTIONS = 100;

async function run({ repeats, size, log }) {
  const shape = size === 'small' ? { topics: 1000, postsPerTopic: 20 } : { topics: 10_000, postsPerTopic: 20 };
  const durationMs = size === 'small' ? 3000 : 10_000;
  const warmupMs = size === 'small' ? 1000 : 2000;
  await lib.prepareDatabase();

  const forumPort = await lib.freePort();
  const forumUrl = `http://127.0.0.1:${forumPort}`;
  const forum = new lib.Proc('forum', lib.ENTRY.forum, lib.benchEnv({ FORUM_PORT: String(forumPort), LOG_LEVEL: 'warn' }));
  await forum.healthy(forumUrl);
  const seed = await seededForum(forumUrl, shape, log);
  const reader = seed.members[0];

  const barePort = await lib.freePort();
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const bare = new lib.Proc('fastify-pg-read', 'bench/baselines/fastify-pg-read.js', {
    DATABASE_URL: lib.benchEnv().DATABASE_URL,
    PORT: String(barePort),
    BENCH_READER_ID: reader.id,
  });
  await bare.healthy(bareUrl);

  // Both must answer the same page before they are compared.
  const check = async (url, token) => {
    const response = await lib.httpRequest('GET', `${url}/topics/${seed.topicIds[0]}/posts`, { token });
    if (response.status !== 200 || response.body.items.length !== 20)
      throw new Error(`${url}: unexpected page ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  };
  await check(forumUrl, reader.token);
  await check(bareUrl);

  const measure = (proc, url, token) => async () => {
    const cpu0 = proc.cpu();
    const result = await lib.load({
      connections: CONNECTIONS,
      durationMs,
      warmupMs,
      operation: async (i, n) => {
        const topicId = seed.topicIds[(i * 7919 + n) % seed.topicIds.length];
        const response = await lib.httpRequest('GET', `${url}/topics/${topicId}/posts`, { token });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
      },
    });
    const cpu = proc.cpu() - cpu0;
    if (result.errors) log(`    ${result.errors} errors, first: ${result.firstError?.message}`);
    // CPU covers warm-up too, so it is divided by every request made in that time.
    const total = result.count * ((durationMs + warmupMs) / durationMs);
    return { rate: result.rate, p99: result.p99, p50: result.p50, errors: result.errors, cpuMs: lib.cpuMsPer(cpu, total) };
  };

  try {
    const { medianOf } = await lib.alternate(repeats, { log, warmup: true, baseline: measure(bare, bareUrl), ours: measure(forum, forumUrl, reader.token) });
    const rss = { forum: forum.rss(), 'fastify-pg-read': bare.rss() };
    const notes = `${shape.topics} topics × ${shape.postsPerTopic} posts, ${CONNECTIONS} connections, ${durationMs / 1000} s per repeat after ${warmupMs / 1000} s warm-up, one uncounted warm-up round of each first`;
    const errors = medianOf('ours', 'errors') + medianOf('baseline', 'errors');
    return [
      lib.row({
        name: 'forum-read req/s',
        ours: medianOf('ours', 'rate'),
        baseline: medianOf('baseline', 'rate'),
        unit: 'req/s',
        target: 0.65,
        notes: `${notes}${errors ? `; median errors ours ${medianOf('ours', 'errors')}, baseline ${medianOf('baseline', 'errors')}` : ''}`,
        oursCpuPerUnit: medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: medianOf('baseline', 'cpuMs'),
        rss,
      }),
      lib.row({
        name: 'forum-read p99',
        ours: medianOf('ours', 'p99'),
        baseline: medianOf('baseline', 'p99'),
        unit: 'ms',
        target: 2,
        higherIsBetter: false,
        notes: `p50 ours ${lib.round(medianOf('ours', 'p50'))} ms, baseline ${lib.round(medianOf('baseline', 'p50'))} ms`,
      }),
    ];
  } finally {
    await Promise.all([forum.stop(), bare.stop()]);
  }
}

module.exports = { run };
