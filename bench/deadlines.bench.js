// `deadlines`: how late review deadlines are acted on. Open review items falling due across a
// window are inserted straight into SQL, as any writer could; the real worker must mark each overdue
// (and alert its supporters): its deadline timer, woken by the table's NOTIFY, or failing that the
// repeatable `deadlines.tick`. Lateness is overdue_notified_at − due_at. The baseline is a BullMQ
// delayed job per deadline, its lateness processedOn − due.
const fs = require('node:fs');
const path = require('node:path');
const { Queue } = require('bullmq');
const lib = require('./lib');
const { community } = require('./community');

function deadlinesJobExists() {
  const catalogue = path.join(lib.ROOT, 'dist', 'libs', 'queues', 'src', 'queue-catalogue.js');
  if (!fs.existsSync(catalogue)) return false;
  const { QUEUE_CATALOGUE } = require(catalogue);
  // Payload types exist only for the compiler: the job is there when its key is.
  return Boolean(QUEUE_CATALOGUE?.deadlines && 'tick' in QUEUE_CATALOGUE.deadlines);
}

const TARGET = 'p99 ≤ 2×, zero missed';

async function run({ repeats, size, log }) {
  await lib.prepareDatabase();
  if (!deadlinesJobExists()) {
    return [lib.unavailable('deadlines', 'not measured yet: the built worker has no deadlines.tick job', TARGET)];
  }
  const count = size === 'small' ? 1000 : 10_000;
  const windowMs = size === 'small' ? 20_000 : 60_000;
  // A deadline not acted on this long after the last one fell due counts as missed.
  const graceMs = 60_000;
  await lib.clearRedis();

  const forumPort = await lib.freePort();
  const forum = new lib.Proc('forum', lib.ENTRY.forum, lib.benchEnv({ FORUM_PORT: String(forumPort) }));
  await forum.healthy(`http://127.0.0.1:${forumPort}`);
  const made = await community(`http://127.0.0.1:${forumPort}`, 1);
  await forum.stop();

  const client = lib.db();
  await client.connect();
  const connection = lib.redisConnection();
  const delayed = new Queue('bench-delayed', { connection, prefix: lib.REDIS_PREFIX });
  await delayed.obliterate({ force: true });
  const workerPort = await lib.freePort();
  const worker = new lib.Proc('moderation-worker', lib.ENTRY.worker, lib.benchEnv({ WORKER_PORT: String(workerPort) }));
  const bare = new lib.Proc('bullmq-noop-worker (delayed)', 'bench/baselines/bullmq-noop-worker.js', {
    REDIS_URL: lib.benchEnv().REDIS_URL,
    REDIS_PREFIX: lib.REDIS_PREFIX,
    QUEUE: 'bench-delayed',
    CONCURRENCY: '50',
  });
  try {
    await Promise.all([worker.healthy(`http://127.0.0.1:${workerPort}`), bare.waitFor(/^ready$/)]);
    const { medianOf } = await lib.alternate(repeats, {
      log,
      baseline: async () => {
        await delayed.obliterate({ force: true });
        const start = Date.now();
        const cpu0 = bare.cpu();
        const jobs = Array.from({ length: count }, (_, g) => {
          const due = start + Math.round((windowMs * (g + 1)) / count);
          return { name: 'deadline', data: { due }, opts: { delay: Math.max(0, due - Date.now()), removeOnComplete: false } };
        });
        for (let i = 0; i < jobs.length; i += 1000) await delayed.addBulk(jobs.slice(i, i + 1000));
        const until = start + windowMs + graceMs;
        while ((await delayed.getCompletedCount()) < count && Date.now() < until) await lib.sleep(250);
        const done = [];
        for (let i = 0; i < count; i += 1000) done.push(...(await delayed.getJobs(['completed'], i, i + 999)));
        const lateness = done.map((j) => j.processedOn - j.data.due).sort((a, b) => a - b);
        return {
          p99: lib.percentile(lateness, 99),
          max: lateness[lateness.length - 1],
          missed: count - done.length,
          cpuMs: lib.cpuMsPer(bare.cpu() - cpu0, count),
        };
      },
      ours: async () => {
        const cpu0 = worker.cpu();
        const { rows } = await client.query(
          `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, audience, status, created_at, due_at)
           SELECT $1, 'post', 'post', gen_random_uuid(), 'normal', 'supporters', 'open', now(), now() + make_interval(secs => $3::float8 * g / $2)
           FROM generate_series(1, $2) AS g RETURNING id`,
          [made.groupId, count, windowMs / 1000],
        );
        const ids = rows.map((r) => r.id);
        const until = Date.now() + windowMs + graceMs;
        for (;;) {
          const { rows: left } = await client.query(`SELECT count(*)::int AS n FROM review_items WHERE id = ANY($1::uuid[]) AND overdue_notified_at IS NULL`, [
            ids,
          ]);
          if (left[0].n === 0 || Date.now() > until) break;
          await lib.sleep(250);
        }
        const { rows: stats } = await client.query(
          `SELECT count(*) FILTER (WHERE overdue_notified_at IS NULL)::int AS missed,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM overdue_notified_at - due_at) * 1000) AS p99,
                  max(extract(epoch FROM overdue_notified_at - due_at) * 1000) AS max
             FROM review_items WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        const cpu = worker.cpu() - cpu0;
        // They must not weigh on the next repeat.
        await client.query(`DELETE FROM moderation_alerts WHERE subject_id = ANY($1::uuid[])`, [ids]).catch(() => undefined);
        await client.query(`DELETE FROM review_items WHERE id = ANY($1::uuid[])`, [ids]);
        return { p99: Number(stats[0].p99), max: Number(stats[0].max), missed: stats[0].missed, cpuMs: lib.cpuMsPer(cpu, count - stats[0].missed) };
      },
    });
    return [
      lib.row({
        name: 'deadlines lateness p99',
        ours: medianOf('ours', 'p99'),
        baseline: medianOf('baseline', 'p99'),
        unit: 'ms',
        target: 2,
        higherIsBetter: false,
        notes:
          `${count} review deadlines due evenly within ${windowMs / 1000} s; missed (not acted on ${graceMs / 1000} s after the last fell due): ` +
          `ours ${medianOf('ours', 'missed')}, baseline ${medianOf('baseline', 'missed')} (medians); max lateness ours ${lib.round(medianOf('ours', 'max'))} ms, ` +
          `baseline ${lib.round(medianOf('baseline', 'max'))} ms; ours p99 is over the deadlines acted on`,
        oursCpuPerUnit: medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: medianOf('baseline', 'cpuMs'),
        rss: { 'moderation-worker': worker.rss(), 'bullmq-noop-worker (delayed)': bare.rss() },
      }),
    ];
  } finally {
    await Promise.all([worker.stop(), bare.stop()]);
    await delayed.obliterate({ force: true }).catch(() => undefined);
    await delayed.close();
    connection.disconnect();
    await client.end();
  }
}

module.exports = { run };
