// `notification-fanout`: one event to 5,000 subscribers. The real worker takes one
// `notifications.fan-out` job (as the outbox hands it over) and must write each person's in-app
// notification, a push delivery (each has a device) and a digest mail delivery, and queue the
// pushes: measured from the job's add until every row is written and every push job queued. The
// subscribers and their devices are inserted straight into SQL, as any writer could; their pushes
// go to a sink on this machine that answers 201. The baseline is bare BullMQ putting the same
// 15,000 jobs (in-app, push and mail per subscriber) on a queue with addBulk.
const { createECDH, randomBytes, randomUUID } = require('node:crypto');
const http = require('node:http');
const { Queue } = require('bullmq');
const lib = require('./lib');

const TARGET = 12;

async function run({ repeats, size, log }) {
  await lib.prepareDatabase();
  const count = size === 'small' ? 1000 : 5000;
  await lib.clearRedis();

  const client = lib.db();
  await client.connect();
  const { rows: has } = await client.query(`SELECT to_regclass('notification_deliveries') IS NOT NULL AS ok`);
  if (!has[0].ok) {
    await client.end();
    return [lib.unavailable('notification fan-out', 'not measured yet: the database has no notification tables', `≤ ${TARGET}×`)];
  }
  // One valid P-256 key for every device: the worker encrypts each push for real.
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const p256dh = ecdh.getPublicKey().toString('base64url');
  const auth = randomBytes(16).toString('base64url');
  let sunk = 0;
  const sink = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      sunk += 1;
      response.writeHead(201).end();
    });
  });
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

  const tag = randomUUID().slice(0, 8);
  const { rows: users } = await client.query(
    `INSERT INTO users (email, email_normalised, password_hash, display_name, display_name_normalised, display_name_skeleton, date_of_birth, email_verified_at)
     SELECT 'fan' || $1 || g || '@example.org', 'fan' || $1 || g || '@example.org', 'x', 'Fan' || $1 || g, 'fan' || $1 || g, 'fan' || $1 || g, '1990-01-01', now()
     FROM generate_series(1, $2) AS g RETURNING id`,
    [tag, count],
  );
  const ids = users.map((u) => u.id);
  await client.query(`INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) SELECT u, $2 || '/push/' || u, $3, $4 FROM unnest($1::uuid[]) AS u`, [
    ids,
    sinkUrl,
    p256dh,
    auth,
  ]);

  const connection = lib.redisConnection();
  const notifications = new Queue('notifications', { connection, prefix: lib.REDIS_PREFIX });
  const bare = new Queue('bench-fanout', { connection, prefix: lib.REDIS_PREFIX });
  await bare.obliterate({ force: true });
  const workerPort = await lib.freePort();
  const worker = new lib.Proc('moderation-worker', lib.ENTRY.worker, lib.benchEnv({ WORKER_PORT: String(workerPort) }));
  try {
    await worker.healthy(`http://127.0.0.1:${workerPort}`);
    const { medianOf } = await lib.alternate(repeats, {
      log,
      baseline: async () => {
        await bare.obliterate({ force: true });
        const start = performance.now();
        const jobs = ids.flatMap((userId) =>
          ['in-app', 'push', 'mail'].map((name) => ({ name, data: { eventId: 'bench', userId }, opts: { removeOnComplete: true } })),
        );
        for (let i = 0; i < jobs.length; i += 1000) await bare.addBulk(jobs.slice(i, i + 1000));
        return { ms: performance.now() - start };
      },
      ours: async () => {
        const eventId = `bench:${randomUUID()}`;
        const cpu0 = worker.cpu();
        const start = performance.now();
        await notifications.add(
          'fan-out',
          {
            eventId,
            kind: 'reply',
            recipients: ids,
            groupId: null,
            subjectId: null,
            title: null,
            path: null,
            urgent: false,
            ignoreQuietHours: false,
            groupName: null,
            count: 1,
          },
          { jobId: `fan-out-${randomUUID()}`, removeOnComplete: true, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
        );
        const until = Date.now() + 120_000;
        for (;;) {
          const { rows } = await client.query(
            `SELECT (SELECT count(*)::int FROM notifications WHERE event_id = $1) AS inapp,
                    (SELECT count(*)::int FROM notification_deliveries WHERE event_id = $1) AS deliveries`,
            [eventId],
          );
          if (rows[0].inapp === count && rows[0].deliveries === count * 2) break;
          if (Date.now() > until) throw new Error(`fan-out incomplete after 120 s: ${JSON.stringify(rows[0])}`);
          await lib.sleep(20);
        }
        const ms = performance.now() - start;
        const cpu = worker.cpu() - cpu0;
        // Let the pushes drain so they do not weigh on the next repeat, then clear the event away.
        const drainUntil = Date.now() + 120_000;
        while (Date.now() < drainUntil) {
          const { rows } = await client.query(
            `SELECT count(*)::int AS n FROM notification_deliveries WHERE event_id = $1 AND channel = 'push' AND state <> 'sent'`,
            [eventId],
          );
          if (rows[0].n === 0) break;
          await lib.sleep(250);
        }
        await client.query(`DELETE FROM notifications WHERE event_id = $1`, [eventId]);
        return { ms, cpuMs: lib.cpuMsPer(cpu, count) };
      },
    });
    return [
      lib.row({
        name: 'notification fan-out',
        ours: medianOf('ours', 'ms'),
        baseline: medianOf('baseline', 'ms'),
        unit: 'ms',
        target: TARGET,
        higherIsBetter: false,
        notes:
          `one event to ${count} subscribers: ours writes ${count} in-app notifications and ${count * 2} push and digest-mail deliveries ` +
          `(claimable, unique per event and person) and queues ${count} push jobs; baseline adds ${count * 3} bare jobs with addBulk; ` +
          `pushes delivered to the local sink in all: ${sunk}`,
        oursCpuPerUnit: medianOf('ours', 'cpuMs'),
        rss: { 'moderation-worker': worker.rss() },
      }),
    ];
  } finally {
    await worker.stop();
    await bare.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([bare.close(), notifications.close()]);
    connection.disconnect();
    await client.query(`DELETE FROM users WHERE id = ANY($1::uuid[])`, [ids]).catch(() => undefined);
    await client.end();
    await new Promise((resolve) => sink.close(resolve));
  }
}

module.exports = { run };
