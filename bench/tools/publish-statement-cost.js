// What the notifications cost the publishing statement alone: times the forum's publish by itself
// (PostsRepository.publish) against the same statement with a reply notification and its digest
// delivery per post (NotificationsRepository.upsertWithDeliveriesAfter over PostsRepository.publishStatement),
// N batches of B fresh posts each, alternating, through the built repositories (dist, as `npm run bench`
// builds it; run it with Node 22, as the benchmarks), in a benchmark database a screening run has filled:
//   node bench/tools/publish-statement-cost.js <database> [N=200] [B=5]
// It prints the median of each. EXPLAIN=1 prints the plan of one composed statement first, with its
// time per node and per trigger (foreign keys included).
const path = require('node:path');
const { DataSource } = require('typeorm');
const dist = (lib) => require(path.resolve(__dirname, '..', '..', 'dist', 'libs', lib));
const { asTx } = dist('database/src/index.js');
const { PostsRepository } = dist('forum/src/posts.repository.js');
const { NotificationsRepository } = dist('notifications/src/notifications.repository.js');

const [database, N = '200', B = '5'] = process.argv.slice(2);
if (!database) {
  console.error('usage: node bench/tools/publish-statement-cost.js <database> [N] [B]');
  process.exit(2);
}

async function main() {
  const dataSource = new DataSource({ type: 'postgres', url: `${process.env.PG_BASE ?? 'postgres://postgres@127.0.0.1:5432'}/${database}` });
  await dataSource.initialize();
  const posts = new PostsRepository(dataSource);
  const notifications = new NotificationsRepository(dataSource);
  const [group] = await dataSource.query(`SELECT group_id FROM posts LIMIT 1`);
  const authors = (await dataSource.query(`SELECT DISTINCT author_id FROM posts WHERE author_id IS NOT NULL LIMIT 10`)).map((r) => r.author_id);
  const topicAuthor = authors[0];

  /** A fresh topic by the first author with B replies in screening by the others, and what publishing them owes. */
  const batch = async () => {
    const [topic] = await dataSource.query(`INSERT INTO topics (group_id, author_id, title, status) VALUES ($1, $2, 'cost', 'published') RETURNING id`, [
      group.group_id,
      topicAuthor,
    ]);
    const rows = await dataSource.query(
      `INSERT INTO posts (topic_id, group_id, author_id, body, status, revision)
       SELECT $1, $2, ($3::uuid[])[2 + g % (array_length($3::uuid[], 1) - 1)], 'some words for a reply', 'screening', 1 FROM generate_series(1, $4) g RETURNING id`,
      [topic.id, group.group_id, authors, Number(B)],
    );
    const items = rows.map((r) => ({ id: r.id, revision: 1, body: 'some words for a reply' }));
    const owed = items.map((item) => ({
      key: item.id,
      eventId: `reply:${item.id}`,
      userId: topicAuthor,
      kind: 'reply',
      groupId: group.group_id,
      subjectId: topic.id,
      title: 'New reply',
      count: 1,
    }));
    const deliveries = items.map((item) => ({
      eventId: `reply:${item.id}`,
      userId: topicAuthor,
      channel: 'email',
      mode: 'digest',
      state: 'pending',
      urgent: false,
      dueAt: new Date(),
    }));
    return { items, owed, deliveries };
  };

  if (process.env.EXPLAIN) {
    const { items, owed, deliveries } = await batch();
    // The composed statement as the repository builds it, explained: its text is captured from one call.
    const query = dataSource.query.bind(dataSource);
    let captured;
    dataSource.query = async (sql, params) => {
      captured = { sql, params };
      return [{ changed: [], written: [] }];
    };
    await notifications.upsertWithDeliveriesAfter(posts.publishStatement(items), owed, deliveries);
    dataSource.query = query;
    const plan = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${captured.sql}`, captured.params);
    console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
  }

  const times = { plain: [], composed: [] };
  for (let i = 0; i < Number(N); i += 1) {
    for (const kind of i % 2 ? ['plain', 'composed'] : ['composed', 'plain']) {
      const { items, owed, deliveries } = await batch();
      const t0 = performance.now();
      if (kind === 'plain') await posts.publish(asTx(dataSource.manager), items);
      else await notifications.upsertWithDeliveriesAfter(posts.publishStatement(items), owed, deliveries);
      times[kind].push(performance.now() - t0);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(2);
  console.log(`batches of ${B}, ${N} each: publish alone median ${median(times.plain)} ms, with notifications median ${median(times.composed)} ms`);
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
