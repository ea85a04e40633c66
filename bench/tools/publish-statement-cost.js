// What the notifications cost the publishing statement alone: times the forum's publish statement by itself and
// composed with a reply notification and its digest delivery per post (NotificationsRepository.upsertWithDeliveriesAfter),
// N batches of B fresh posts each, alternating, on one connection to a benchmark database a screening run has filled:
//   node bench/tools/publish-statement-cost.js <database> [N=200] [B=5]
// The SQL is copied from the repositories (keep it in step); it prints the median of each. EXPLAIN=1 also prints
// the plan of the last composed statement, with its time per node and per trigger.
const { Client } = require('pg');
const db = process.argv[2],
  N = +(process.argv[3] || 200),
  B = +(process.argv[4] || 5);
const PUBLISH = `UPDATE posts p SET status = CASE WHEN p.hidden_by_reports THEN 'hidden' ELSE 'published' END, was_published = NOT p.hidden_by_reports,
  published_body = NULL, body = w.body, signposting = NULL, screened_at = now()
  FROM unnest($1::uuid[], $2::int[], $3::text[]) AS w(id, revision, body)
  WHERE p.id = w.id AND p.status = 'screening' AND p.revision = w.revision
  RETURNING p.id, p.group_id, p.author_id, p.body, p.revision, p.status, p.topic_id, p.is_opening, p.hidden_by_reports,
  (SELECT tp.author_id FROM topics tp WHERE tp.id = p.topic_id) AS topic_author_id, CASE WHEN p.status = 'published' THEN p.id::text END AS notify_key`;
const COLUMNS = `id, event_id AS "eventId", user_id AS "userId", kind, group_id AS "groupId", subject_id AS "subjectId", title, count, created_at AS "createdAt", read_at AS "readAt"`;
const upsert = (first, filter) => `written AS (
  INSERT INTO notifications (event_id, user_id, kind, group_id, subject_id, title, count)
  SELECT r.event_id, r.user_id, r.kind, r.group_id, r.subject_id, r.title, r.count
  FROM jsonb_to_recordset($${first}::jsonb) AS r(event_id text, user_id uuid, kind text, group_id uuid, subject_id uuid, title text, count int, key text)
  ${filter}
  ON CONFLICT (event_id, user_id) DO UPDATE SET count = EXCLUDED.count, title = EXCLUDED.title, read_at = NULL, created_at = now() WHERE notifications.count < EXCLUDED.count
  RETURNING ${COLUMNS}),
 delivered AS (
  INSERT INTO notification_deliveries (notification_id, event_id, user_id, channel, mode, state, urgent, due_at)
  SELECT w.id, d.event_id, d.user_id, d.channel, d.mode, d.state, d.urgent, d.due_at
  FROM jsonb_to_recordset($${first + 1}::jsonb) AS d(event_id text, user_id uuid, channel text, mode text, state text, urgent boolean, due_at timestamptz)
  JOIN written w ON w."eventId" = d.event_id AND w."userId" = d.user_id
  ON CONFLICT (event_id, user_id, channel) DO NOTHING RETURNING id, notification_id, mode, due_at)`;
const DEL = `coalesce((SELECT jsonb_agg(jsonb_build_object('id', x.id, 'mode', x.mode, 'dueAt', x.due_at)) FROM delivered x WHERE x.notification_id = w.id), '[]')`;
const COMPOSED = () => `WITH changed AS (${PUBLISH}), ${upsert(4, 'WHERE r.key IN (SELECT notify_key FROM changed)')}
  SELECT (SELECT coalesce(jsonb_agg(to_jsonb(c) - 'notify_key'), '[]') FROM changed c) AS changed,
         (SELECT coalesce(jsonb_agg(to_jsonb(w) || jsonb_build_object('deliveries', ${DEL})), '[]') FROM written w) AS written`;
(async () => {
  const c = new Client({ connectionString: `${process.env.PG_BASE ?? 'postgres://postgres@127.0.0.1:5432'}/${db}` });
  await c.connect();
  const {
    rows: [g],
  } = await c.query(`SELECT p.group_id, p.author_id FROM posts p LIMIT 1`);
  const { rows: authors } = await c.query(`SELECT DISTINCT author_id FROM posts WHERE author_id IS NOT NULL LIMIT 10`);
  const ids = authors.map((a) => a.author_id);
  const times = { plain: [], composed: [] };
  for (let i = 0; i < N; i++) {
    for (const kind of i % 2 ? ['plain', 'composed'] : ['composed', 'plain']) {
      const {
        rows: [t],
      } = await c.query(`INSERT INTO topics (group_id, author_id, title, status) VALUES ($1, $2, 'cost', 'published') RETURNING id`, [g.group_id, ids[0]]);
      const { rows: posts } = await c.query(
        `INSERT INTO posts (topic_id, group_id, author_id, body, status, revision) SELECT $1, $2, ($3::uuid[])[1 + g % 9 + 1], 'some words here for a reply', 'screening', 1 FROM generate_series(1, $4) g RETURNING id`,
        [t.id, g.group_id, ids, B],
      );
      const pids = posts.map((p) => p.id);
      const params = [pids, pids.map(() => 1), pids.map(() => 'some words here for a reply')];
      const t0 = performance.now();
      if (kind === 'plain') await c.query(`WITH done AS (${PUBLISH}) SELECT * FROM done`, params);
      else {
        const rows = pids.map((id) => ({
          event_id: `reply:${id}`,
          user_id: ids[0],
          kind: 'reply',
          group_id: g.group_id,
          subject_id: t.id,
          title: 'New reply',
          count: 1,
          key: id,
        }));
        const dels = pids.map((id) => ({
          event_id: `reply:${id}`,
          user_id: ids[0],
          channel: 'email',
          mode: 'digest',
          state: 'pending',
          urgent: false,
          due_at: new Date().toISOString(),
        }));
        const r = await c.query((process.env.EXPLAIN && i === N - 1 ? 'EXPLAIN (ANALYZE, BUFFERS, VERBOSE false) ' : '') + COMPOSED(), [
          ...params,
          JSON.stringify(rows),
          JSON.stringify(dels),
        ]);
        if (process.env.EXPLAIN && i === N - 1) console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
      }
      times[kind].push(performance.now() - t0);
    }
  }
  const med = (a) => {
    const s = [...a].sort((x, y) => x - y);
    return s[Math.floor(s.length / 2)].toFixed(2);
  };
  console.log(`batches of ${B}, ${N} each: plain median ${med(times.plain)} ms, composed median ${med(times.composed)} ms`);
  await c.end();
})();
