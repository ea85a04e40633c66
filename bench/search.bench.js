// `search`: GET /groups/:id/search latency on a forum of 1,000,000 posts in 5,000 groups, through the
// real forum process. The posts are seeded with one INSERT … SELECT generate_series of varied words
// (recorded in `bench_seed`, so later runs reuse them); two of the groups are made through the API
// so a real member can search them: a typical group (190 posts) and a busy one (50,190 posts).
// There is no bare baseline: the figure is reported as it is, with the plan of the query.
const path = require('node:path');
const lib = require('./lib');
const { community, login } = require('./community');

const SEED_VERSION = 1;
const GROUPS = 5000;
/** Topics of 10 posts each: 19 per ordinary group, the rest in the busy group, 100,000 in all. */
const POSTS_PER_TOPIC = 10;
const TOPICS_PER_GROUP = 19;

// A vocabulary drawn on with a skew (word i is picked with density ∝ 1/sqrt(i)), so a few words are
// in most posts and most words are in few, as in real writing.
const VOCABULARY = (
  'today clinic dialysis tired kind nurse bloods better month evening hardest walking sleeping thanks asking ' +
  'helps read manage diet fluid limits summer support everyone transplant kidney consultant appointment results ' +
  'potassium phosphate binders fistula needles machine session hours weekend family partner work friends worried ' +
  'anxious hopeful waiting list call letter scan biopsy creatinine function stage medication tacrolimus steroids ' +
  'swelling ankles itchy skin cramps headache nausea appetite breakfast lunch dinner snacks salt water ice chips ' +
  'exercise walked swimming cycling garden dog cat holiday travel insurance benefits money job boss colleagues ' +
  'sister brother mother father children school weather rain sunshine winter spring autumn hospital ward parking ' +
  'coffee tea biscuits chocolate fruit bananas oranges apples bread pasta rice chicken fish vegetables beans ' +
  'tiredness fatigue energy mood low down cheerful grateful frustrated angry scared calm relaxed meditation ' +
  'breathing music reading books films television podcast crochet knitting painting drawing writing journal ' +
  'peritoneal haemodialysis home overnight cycler bags catheter infection antibiotics temperature blood pressure ' +
  'readings scales weight gained lost donor living deceased match tissue typing antibodies rejection recovery ' +
  'scar stitches pain relief paracetamol physio stairs bus train taxi volunteer charity fundraising marathon ' +
  'porridge marmalade crumpets lemonade rhubarb quince pretzels hydration allotment tomatoes courgettes beetroot'
).split(' ');

/** Queries as people type them: one word, two words, a phrase, a stem of a seeded form, common and rare. */
const QUERIES = [
  'dialysis',
  'fatigue',
  'potassium',
  'walking',
  'sleep',
  'transplant waiting',
  '"fluid limits"',
  'itchy skin',
  'garden tomatoes',
  'rhubarb',
  'quince',
  'courgettes beetroot',
  'nurse',
  'kind nurses',
  'binders phosphate',
  'crochet',
  'marathon fundraising',
  'cramps',
  'holiday insurance',
  'tired -dialysis',
  'breakfast or lunch',
  'biopsy results',
  'antibodies',
  'rejection',
  'family',
  'worried scan',
];

async function seed(client) {
  const key = `search-${GROUPS}x${TOPICS_PER_GROUP}x${POSTS_PER_TOPIC}-v${SEED_VERSION}`;
  await client.query(`CREATE TABLE IF NOT EXISTS bench_seed (key text PRIMARY KEY, value jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query('SELECT value FROM bench_seed WHERE key = $1', [key]);
  return { key, seeded: rows[0]?.value ?? null };
}

async function seedForum(forumUrl, client, key, log) {
  log('  making the typical and busy groups through the API…');
  const typical = await community(forumUrl, 1);
  const busy = await community(forumUrl, 1);
  const authors = [typical.members[0].id, busy.members[0].id];
  const totalTopics = 1_000_000 / POSTS_PER_TOPIC;
  const busyTopics = totalTopics - (GROUPS - 1) * TOPICS_PER_GROUP;
  const started = Date.now();
  log(`  seeding ${GROUPS - 2} more groups, ${totalTopics} topics and ${totalTopics * POSTS_PER_TOPIC} posts (one INSERT … SELECT each)…`);
  const tag = Date.now().toString(36);
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO groups (slug, name, condition, eligibility, moderation)
     SELECT 'bench-search-' || $2 || '-' || g, 'Search benchmark group ' || g, condition, eligibility, moderation
       FROM groups, generate_series(1, $3::int) AS g WHERE id = $1`,
    [typical.groupId, tag, GROUPS - 2],
  );
  // Every group's topics: the busy group gets the rest, so the total is exactly 100,000.
  await client.query(
    `INSERT INTO topics (group_id, author_id, title, status, reply_count, last_activity_at, created_at)
     SELECT gr.id, ($2::uuid[])[1 + (n % 2)],
            (SELECT string_agg(($5::text[])[1 + floor(array_length($5::text[], 1) * power(random(), 2))::int], ' ')
               FROM generate_series(1, 3 + (n % 3))),
            'published', $6::int - 1, now() - make_interval(secs => n), now() - make_interval(secs => n)
       FROM (SELECT id, CASE WHEN id = $1 THEN $3::int ELSE $4::int END AS topics
               FROM groups WHERE id = $1 OR slug LIKE 'bench-search-' || $7 || '-%' OR id = $8) gr,
            generate_series(1, gr.topics) AS n`,
    [busy.groupId, authors, busyTopics, TOPICS_PER_GROUP, VOCABULARY, POSTS_PER_TOPIC, tag, typical.groupId],
  );
  log(`  topics in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // Ten posts per topic, 25–45 words each; about 3% of replies are not published (held, removed,
  // deleted, whose words are gone), so the partial index and the status checks have something to leave out.
  await client.query(
    `INSERT INTO posts (topic_id, group_id, author_id, body, status, revision, is_opening, was_published, created_at, screened_at)
     SELECT t.id, t.group_id, t.author_id, CASE WHEN k > 1 AND r >= 0.02 AND r < 0.03 THEN '' ELSE words.body END,
            CASE WHEN k = 1 THEN 'published' WHEN r < 0.01 THEN 'held' WHEN r < 0.02 THEN 'removed' WHEN r < 0.03 THEN 'deleted' ELSE 'published' END,
            1, k = 1, k = 1 OR r >= 0.03, t.created_at + make_interval(secs => k), now()
       FROM topics t
       CROSS JOIN generate_series(1, $2::int) AS k
       CROSS JOIN LATERAL (SELECT random() AS r) chance
       CROSS JOIN LATERAL (
         SELECT string_agg(($1::text[])[1 + floor(array_length($1::text[], 1) * power(random(), 2))::int], ' ') AS body
           FROM generate_series(1, 25 + ((k * 7 + hashtext(t.id::text)) & 15))) words
      WHERE t.group_id IN (SELECT id FROM groups WHERE slug LIKE 'bench-search-' || $3 || '-%' OR id = $4 OR id = $5)`,
    [VOCABULARY, POSTS_PER_TOPIC, tag, typical.groupId, busy.groupId],
  );
  await client.query(
    `UPDATE topics t SET opening_post_id = p.id FROM posts p WHERE p.topic_id = t.id AND p.is_opening AND t.group_id IN (SELECT id FROM groups WHERE slug LIKE 'bench-search-' || $1 || '-%' OR id = $2 OR id = $3)`,
    [tag, typical.groupId, busy.groupId],
  );
  const value = { typical: { groupId: typical.groupId, email: typical.members[0].email }, busy: { groupId: busy.groupId, email: busy.members[0].email } };
  await client.query('INSERT INTO bench_seed (key, value) VALUES ($1, $2)', [key, value]);
  await client.query('COMMIT');
  const seconds = (Date.now() - started) / 1000;
  log(`  seeded in ${seconds.toFixed(0)} s; VACUUM ANALYZE…`);
  for (const table of ['groups', 'topics', 'posts']) await client.query(`VACUUM ANALYZE ${table}`);
  return { value, seconds };
}

/** The exact SQL the forum runs for a search, as the built repository writes it. */
function searchSql(request) {
  const { SearchRepository } = require(path.join(lib.ROOT, 'dist', 'libs', 'forum', 'src', 'search', 'search.repository.js'));
  let captured = null;
  const repository = new SearchRepository({
    query: async (sql, params) => {
      captured = { sql, params };
      return [];
    },
  });
  return repository.page(request).then(() => captured);
}

async function explain(client, groupId, query, log) {
  const { sql, params } = await searchSql({ groupId, query, limit: 21, after: null });
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  const plan = rows.map((r) => r['QUERY PLAN']);
  for (const line of plan) log(`    ${line}`);
  const scans = plan.filter((l) => /Index Scan|Seq Scan/.test(l)).map((l) => l.trim().replace(/^->\s*/, ''));
  return { scans, time: plan.find((l) => l.startsWith('Execution Time')) };
}

async function run({ size, log }) {
  await lib.prepareDatabase();
  const forumPort = await lib.freePort();
  const forumUrl = `http://127.0.0.1:${forumPort}`;
  const forum = new lib.Proc('forum', lib.ENTRY.forum, lib.benchEnv({ FORUM_PORT: String(forumPort) }));
  const client = lib.db();
  await client.connect();
  try {
    await forum.healthy(forumUrl);
    const { key, seeded } = await seed(client);
    let groups = seeded;
    let seedNote = 'reused the seed of an earlier run';
    if (groups) log(`  reusing the seeded forum ${key}`);
    else {
      const made = await seedForum(forumUrl, client, key, log);
      groups = made.value;
      seedNote = `seeded in ${Math.round(made.seconds)} s`;
    }
    const { rows: counts } = await client.query(
      `SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM groups)::int AS groups,
              (SELECT count(*) FROM posts WHERE group_id = $1)::int AS typical, (SELECT count(*) FROM posts WHERE group_id = $2)::int AS busy`,
      [groups.typical.groupId, groups.busy.groupId],
    );
    log(`  ${counts[0].posts} posts in ${counts[0].groups} groups; typical group ${counts[0].typical} posts, busy group ${counts[0].busy}`);

    const queries = size === 'small' ? 100 : 300;
    const rows = [];
    for (const [label, group] of [
      ['typical group', groups.typical],
      ['busy group', groups.busy],
    ]) {
      const person = await login(forumUrl, group.email);
      log(`  plan for "fatigue" in the ${label}:`);
      const plan = await explain(client, group.groupId, 'fatigue', log);
      const latencies = [];
      let results = 0;
      for (let i = -30; i < queries; i++) {
        const q = QUERIES[(i + 30) % QUERIES.length];
        const t0 = process.hrtime.bigint();
        const response = await lib.httpRequest('GET', `${forumUrl}/groups/${group.groupId}/search?q=${encodeURIComponent(q)}`, { token: person.token });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (response.status !== 200) throw new Error(`search "${q}": ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
        if (i >= 0) {
          latencies.push(ms);
          results += response.body.items.length;
        }
      }
      latencies.sort((a, b) => a - b);
      const p50 = lib.percentile(latencies, 50);
      const p99 = lib.percentile(latencies, 99);
      log(
        `  ${label}: ${queries} searches one at a time, p50 ${lib.round(p50)} ms, p99 ${lib.round(p99)} ms, ${lib.round(results / queries)} results per page on average`,
      );
      const notes =
        `${counts[0].posts} posts in ${counts[0].groups} groups (${seedNote}), ${label} of ${label.startsWith('busy') ? counts[0].busy : counts[0].typical} posts; ` +
        `${queries} searches one at a time over ${QUERIES.length} queries after 30 uncounted; p50 ${lib.round(p50)} ms; ` +
        `plan: ${plan.scans.join(', ')}; ${plan.time}; no baseline`;
      rows.push(lib.row({ name: `search p99 (${label})`, ours: p99, baseline: NaN, unit: 'ms', target: null, higherIsBetter: false, notes }));
    }
    return rows;
  } finally {
    await client.end();
    await forum.stop();
  }
}

module.exports = { run };
