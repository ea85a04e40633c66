// `forum-write`: POST /topics/:id/posts, then another member polls GET /posts/:id until the post is
// visible (published): operations/s and the p99 of that end-to-end time, through the real forum and
// moderation worker; against bare fastify + pg insert + queue.add with a BullMQ worker publishing it.
const lib = require('./lib');
const { community } = require('./community');

const WRITERS = 16;
const POLL_MS = 20;

async function run({ repeats, size, log }) {
  const durationMs = size === 'small' ? 3000 : 10_000;
  const warmupMs = size === 'small' ? 1000 : 2000;
  await lib.prepareDatabase();
  await lib.clearRedis();

  const forumPort = await lib.freePort();
  const forumUrl = `http://127.0.0.1:${forumPort}`;
  const workerPort = await lib.freePort();
  const forum = new lib.Proc('forum', lib.ENTRY.forum, lib.benchEnv({ FORUM_PORT: String(forumPort) }));
  const worker = new lib.Proc('moderation-worker', lib.ENTRY.worker, lib.benchEnv({ WORKER_PORT: String(workerPort) }));
  await Promise.all([forum.healthy(forumUrl), worker.healthy(`http://127.0.0.1:${workerPort}`)]);
  const made = await community(forumUrl, 2);
  const [writer, reader] = made.members;

  // The topic the replies go to, opened and screened through the API.
  const opened = await lib.httpRequest('POST', `${forumUrl}/groups/${made.groupId}/topics`, {
    token: writer.token,
    body: { title: 'Write benchmark', body: 'Replies to this topic are the forum-write benchmark.' },
  });
  if (opened.status !== 202) throw new Error(`topic not accepted: ${opened.status} ${JSON.stringify(opened.body)}`);
  const topicId = opened.body.topicId;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const topic = await lib.httpRequest('GET', `${forumUrl}/topics/${topicId}`, { token: reader.token });
    if (topic.status === 200) break;
    if (Date.now() > deadline) throw new Error('the benchmark topic was never published');
    await lib.sleep(100);
  }

  const barePort = await lib.freePort();
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const bareEnv = {
    DATABASE_URL: lib.benchEnv().DATABASE_URL,
    REDIS_URL: lib.benchEnv().REDIS_URL,
    REDIS_PREFIX: lib.REDIS_PREFIX,
    QUEUE: 'bench-write',
    PORT: String(barePort),
    BENCH_AUTHOR_ID: writer.id,
  };
  const bare = new lib.Proc('fastify-pg-write', 'bench/baselines/fastify-pg-write.js', bareEnv);
  const bareWorker = new lib.Proc('fastify-pg-write --worker', 'bench/baselines/fastify-pg-write.js', bareEnv, ['--worker']);
  await Promise.all([bare.healthy(bareUrl), bareWorker.waitFor(/^ready$/)]);

  const random = lib.prng(7);
  const texts = Array.from({ length: 100 }, () => lib.ordinaryText(random, 300));

  const measure = (procs, url, tokens) => async () => {
    const cpu0 = procs.map((p) => p.cpu());
    const result = await lib.load({
      connections: WRITERS,
      durationMs,
      warmupMs,
      operation: async (i, n) => {
        const posted = await lib.httpRequest('POST', `${url}/topics/${topicId}/posts`, { token: tokens.writer, body: { body: texts[(i + n) % texts.length] } });
        if (posted.status !== 202) throw new Error(`POST status ${posted.status} ${JSON.stringify(posted.body).slice(0, 200)}`);
        const until = Date.now() + 30_000;
        for (;;) {
          const seen = await lib.httpRequest('GET', `${url}/posts/${posted.body.id}`, { token: tokens.reader });
          if (seen.status === 200 && seen.body.status === 'published') return;
          if (seen.status !== 404 && seen.status !== 200) throw new Error(`GET status ${seen.status}`);
          if (Date.now() > until) throw new Error('not visible after 30 s');
          await lib.sleep(POLL_MS);
        }
      },
    });
    const cpu = procs.reduce((sum, p, k) => sum + p.cpu() - cpu0[k], 0);
    if (result.errors) {
      log(`    ${result.errors} errors, first: ${result.firstError?.message}`);
      for (const proc of procs) if (proc.tail().includes('"level":50')) log(`    ${proc.name} logged errors; last: ${lastError(proc.tail())}`);
    }
    const total = result.count * ((durationMs + warmupMs) / durationMs);
    return { rate: result.rate, p99: result.p99, p50: result.p50, errors: result.errors, cpuMs: lib.cpuMsPer(cpu, total) };
  };

  try {
    const { medianOf } = await lib.alternate(repeats, {
      log,
      warmup: true,
      baseline: measure([bare, bareWorker], bareUrl, {}),
      ours: measure([forum, worker], forumUrl, { writer: writer.token, reader: reader.token }),
    });
    const rss = { forum: forum.rss(), 'moderation-worker': worker.rss(), 'fastify-pg-write': bare.rss(), 'fastify-pg-write --worker': bareWorker.rss() };
    const notes = `${WRITERS} writers, each POSTs then polls GET /posts/:id as another member every ${POLL_MS} ms until published; ${durationMs / 1000} s per repeat after one uncounted warm-up round of each first; CPU is server + worker`;
    return [
      lib.row({
        name: 'forum-write posts/s',
        ours: medianOf('ours', 'rate'),
        baseline: medianOf('baseline', 'rate'),
        unit: 'posts/s',
        target: 0.5,
        notes,
        oursCpuPerUnit: medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: medianOf('baseline', 'cpuMs'),
        rss,
      }),
      lib.row({
        name: 'forum-write p99',
        ours: medianOf('ours', 'p99'),
        baseline: medianOf('baseline', 'p99'),
        unit: 'ms',
        target: null,
        higherIsBetter: false,
        notes: `POST → visible to another member (no separate p99 target); p50 ours ${lib.round(medianOf('ours', 'p50'))} ms, baseline ${lib.round(medianOf('baseline', 'p50'))} ms`,
      }),
    ];
  } finally {
    await Promise.all([forum.stop(), worker.stop(), bare.stop(), bareWorker.stop()]);
  }
}

/** The message of the last error a Kindred process logged (pino JSON, level 50). */
function lastError(output) {
  const lines = output.split('\n').filter((l) => l.includes('"level":50'));
  const last = lines[lines.length - 1] ?? '';
  try {
    const entry = JSON.parse(last);
    return entry.err?.message ?? entry.msg;
  } catch {
    return last.slice(0, 300);
  }
}

module.exports = { run };
