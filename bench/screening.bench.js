// `screening`: jobs/s through the real moderation worker (built dist) at concurrency 50, on a
// group with 1,000 watched-word rules and every default screener, each verdict committed to
// PostgreSQL; against a bare BullMQ worker with a no-op processor draining as many jobs.
const { randomUUID } = require('node:crypto');
const { Queue } = require('bullmq');
const lib = require('./lib');
const { community } = require('./community');

const CONCURRENCY = 50;
const LOW_CONCURRENCY = 10;
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } };

const SYLLABLES = ['zor', 'bax', 'quil', 'vex', 'mun', 'drak', 'plo', 'tiv', 'gren', 'wub', 'yas', 'kelt', 'fro', 'snib', 'jart'];

/** 1,000 rules: mostly words, some phrases, a few (safe) regular expressions; every action. */
function watchedWords(random) {
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('');
  const actions = ['block', 'hold', 'flag', 'mask'];
  const rules = [];
  const seen = new Set();
  while (rules.length < 1000) {
    const i = rules.length;
    let pattern;
    let match;
    if (i % 100 === 99) {
      pattern = `${word()}\\d{2,4}`;
      match = 'regex';
    } else if (i % 10 === 9) {
      pattern = `${word()} ${word()}`;
      match = 'phrase';
    } else {
      pattern = word();
      match = 'word';
    }
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    rules.push({ pattern, match, action: actions[i % actions.length] });
  }
  return rules;
}

async function run({ repeats, size, log }) {
  const jobs = size === 'small' ? 1000 : 5000;
  await lib.prepareDatabase();
  await lib.clearRedis();

  // Set-up through the real API: an admin, a group in `post` mode and ten members, so no one
  // author's history dominates (screening counts each author's published posts).
  const forumPort = await lib.freePort();
  const forum = new lib.Proc('forum', lib.ENTRY.forum, lib.benchEnv({ FORUM_PORT: String(forumPort) }));
  await forum.healthy(`http://127.0.0.1:${forumPort}`);
  const made = await community(`http://127.0.0.1:${forumPort}`, 10);
  await forum.stop();

  const client = lib.db();
  await client.connect();
  // Leftovers of an interrupted run must not be swept back into this one.
  await client.query(`DELETE FROM posts p USING topics t WHERE p.topic_id = t.id AND t.title = 'Screening benchmark' AND p.status = 'screening'`);
  const random = lib.prng(42);
  const rules = watchedWords(random);
  await client.query(
    `INSERT INTO watched_word_rules (group_id, pattern, match, action, clause_key)
     SELECT $1, r->>'pattern', r->>'match', r->>'action', NULL FROM jsonb_array_elements($2::jsonb) AS r`,
    [made.groupId, JSON.stringify(rules)],
  );
  const authors = made.members.map((m) => m.id);
  // One post in twenty carries a watched word, so some verdicts also write a review item or mask.
  const texts = Array.from({ length: 200 }, (_, i) => {
    const text = lib.ordinaryText(random, 300);
    if (i % 20 !== 0) return text;
    const rule = rules.find((r) => r.match === 'word' && r.action !== 'block' && random() < 0.05) ?? rules[1];
    return `${rule.pattern} ${text}`.slice(0, 300);
  });

  /** A fresh topic holding `count` posts in `screening`, inserted directly. */
  const preparePosts = async (count = jobs) => {
    const { rows } = await client.query(
      `INSERT INTO topics (group_id, author_id, title, status) VALUES ($1, $2, 'Screening benchmark', 'published') RETURNING id`,
      [made.groupId, authors[0]],
    );
    const topicId = rows[0].id;
    const { rows: posts } = await client.query(
      `INSERT INTO posts (topic_id, group_id, author_id, body, status, revision)
       SELECT $1, $2, ($3::uuid[])[1 + g % array_length($3::uuid[], 1)], ($4::text[])[1 + g % array_length($4::text[], 1)], 'screening', 1
       FROM generate_series(1, $5) AS g RETURNING id`,
      [topicId, made.groupId, authors, texts, count],
    );
    return { topicId, ids: posts.map((p) => p.id) };
  };

  // A drain that has not finished by then is reported as stalled rather than waited on for ever.
  const drainLimitMs = size === 'small' ? 60_000 : 180_000;
  /** Items a stalled repeat left in screening are removed, so no later sweep re-enqueues them. */
  const forget = async (topicId) => {
    await client.query(`DELETE FROM posts WHERE topic_id = $1 AND status = 'screening'`, [topicId]);
    await screeningQueue.drain(true);
  };

  const connection = lib.redisConnection();
  const screeningQueue = new Queue('screening', { connection, prefix: lib.REDIS_PREFIX });
  const noopQueue = new Queue('bench-noop', { connection, prefix: lib.REDIS_PREFIX });
  const screenJob = (id) => ({ name: 'screen', data: { subject: 'post', id, revision: 1 }, opts: { ...JOB_OPTIONS, jobId: `post-${id}-r1` } });
  const noopJob = (id) => ({ name: 'noop', data: { subject: 'post', id, revision: 1 }, opts: { ...JOB_OPTIONS, jobId: `noop-${id}` } });

  /** One row: the real worker and the no-op worker, both at `concurrency`, alternating. */
  const measureAt = async (concurrency, label) => {
    await screeningQueue.obliterate({ force: true });
    await noopQueue.obliterate({ force: true });
    const workerPort = await lib.freePort();
    const worker = new lib.Proc(
      'moderation-worker',
      lib.ENTRY.worker,
      lib.benchEnv({ WORKER_PORT: String(workerPort), SCREENING_CONCURRENCY: String(concurrency), SCREENING_SWEEP_AFTER_SECONDS: '300' }),
    );
    const noop = new lib.Proc('bullmq-noop-worker', 'bench/baselines/bullmq-noop-worker.js', {
      REDIS_URL: lib.benchEnv().REDIS_URL,
      REDIS_PREFIX: lib.REDIS_PREFIX,
      QUEUE: 'bench-noop',
      CONCURRENCY: String(concurrency),
    });
    let stalled = 0;
    try {
      await Promise.all([worker.healthy(`http://127.0.0.1:${workerPort}`), noop.waitFor(/^ready$/)]);
      // One untimed pass of each first: compiles the group's matcher, fills pools and warms the JIT.
      const warm = await preparePosts(50);
      await screeningQueue.addBulk(warm.ids.map(screenJob));
      await noopQueue.addBulk(Array.from({ length: 50 }, () => noopJob(randomUUID())));
      await waitUntil(async () => (await pendingScreening(client, warm.topicId)) === 0 && (await pendingJobs(noopQueue)) === 0, drainLimitMs, false);
      await forget(warm.topicId);

      const { medianOf, samples } = await lib.alternate(repeats, {
        log,
        warmup: true,
        baseline: async () => {
          const ids = Array.from({ length: jobs }, () => randomUUID());
          const cpu0 = noop.cpu();
          const t0 = performance.now();
          await noopQueue.addBulk(ids.map(noopJob));
          await waitUntil(async () => (await pendingJobs(noopQueue)) === 0, 300_000);
          const seconds = (performance.now() - t0) / 1000;
          return { rate: jobs / seconds, cpuMs: lib.cpuMsPer(noop.cpu() - cpu0, jobs) };
        },
        ours: async (r) => {
          const { topicId, ids } = await preparePosts();
          const failedBefore = await screeningQueue.getFailedCount();
          const cpu0 = worker.cpu();
          const t0 = performance.now();
          await screeningQueue.addBulk(ids.map(screenJob));
          // Done when every item has left screening, or when BullMQ has nothing left to try (jobs failed for good).
          const drained = await waitUntil(
            async () => (await pendingScreening(client, topicId)) === 0 || (await pendingJobs(screeningQueue)) === 0,
            drainLimitMs,
            false,
          );
          const seconds = (performance.now() - t0) / 1000;
          const screened = jobs - (await pendingScreening(client, topicId));
          if (!drained && r >= 0) stalled += 1;
          const failed = (await screeningQueue.getFailedCount()) - failedBefore;
          const { rows } = await client.query(`SELECT status, count(*)::int AS n FROM posts WHERE topic_id = $1 GROUP BY status ORDER BY status`, [topicId]);
          await forget(topicId);
          return {
            rate: screened / seconds,
            cpuMs: lib.cpuMsPer(worker.cpu() - cpu0, screened),
            failed,
            verdicts: rows.map((r) => `${r.status} ${r.n}`).join(', '),
          };
        },
      });
      const failed = samples.ours.reduce((sum, s) => sum + s.failed, 0);
      return lib.row({
        name: label,
        ours: medianOf('ours', 'rate'),
        baseline: medianOf('baseline', 'rate'),
        unit: 'jobs/s',
        target: 0.5,
        notes:
          `${jobs} jobs per repeat at concurrency ${concurrency} after one uncounted warm-up round of each first, 300-char texts, 1,000 watched words + default screeners; ` +
          `last verdicts: ${samples.ours[samples.ours.length - 1].verdicts}` +
          (failed ? `; ${failed} jobs FAILED for good across the repeats (ours counts only items that left screening)` : '') +
          (stalled ? `; ${stalled} of ${repeats} repeats had NOT drained after ${drainLimitMs / 1000} s (rate = items screened in that time)` : ''),
        oursCpuPerUnit: medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: medianOf('baseline', 'cpuMs'),
        rss: { 'moderation-worker': worker.rss(), 'bullmq-noop-worker': noop.rss() },
      });
    } finally {
      await Promise.all([worker.stop(), noop.stop()]);
    }
  };

  try {
    log(`  concurrency ${CONCURRENCY}`);
    const rows = [await measureAt(CONCURRENCY, 'screening')];
    // The worker's verdict transaction takes a second pooled connection (PostgreSQL pool: 20), so
    // a concurrency the pool can always serve is measured too, to show what the code does unstarved.
    log(`  concurrency ${LOW_CONCURRENCY}`);
    rows.push(await measureAt(LOW_CONCURRENCY, `screening @${LOW_CONCURRENCY}`));
    return rows;
  } finally {
    await screeningQueue.close();
    await noopQueue.close();
    connection.disconnect();
    await client.end();
  }
}

async function pendingScreening(client, topicId) {
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM posts WHERE topic_id = $1 AND status = 'screening'`, [topicId]);
  return rows[0].n;
}

async function pendingJobs(queue) {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Polls every 20 ms; on timeout throws, or returns false when `throwOnTimeout` is false. */
async function waitUntil(condition, timeoutMs, throwOnTimeout = true) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      if (throwOnTimeout) throw new Error(`not done after ${timeoutMs} ms`);
      return false;
    }
    await lib.sleep(20);
  }
  return true;
}

module.exports = { run, waitUntil, pendingJobs };
