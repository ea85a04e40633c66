// A group with members, made through the real API (as a person would), plus a seeded forum made
// with generate_series SQL. The seed is recorded in `bench_seed` so later runs reuse it.
const { randomUUID } = require('node:crypto');
const { generate } = require('otplib');
const { ENTRY, Proc, benchEnv, db, httpRequest } = require('./lib');

const PASSWORD = 'a long benchmark pass phrase';

async function expectStatus(promise, status, what) {
  const response = await promise;
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function login(forumUrl, email) {
  const body = await expectStatus(httpRequest('POST', `${forumUrl}/auth/login`, { body: { email, password: PASSWORD } }), 200, `login ${email}`);
  return { id: body.user.id, email, token: body.token };
}

/** An admin made with the operator's command (`admin:create`), then signed in. */
async function admin(forumUrl) {
  const email = `bench-admin-${randomUUID().slice(0, 8)}@example.org`;
  const command = new Proc('admin:create', ENTRY.adminCreate, benchEnv(), [
    '--email',
    email,
    '--password',
    PASSWORD,
    '--name',
    `Bench admin ${email.slice(12, 20)}`,
  ]);
  const code = await command.exited;
  if (code !== 0) throw new Error(`admin:create failed:\n${command.tail()}`);
  const person = await login(forumUrl, email);
  await enrolSecondFactor(forumUrl, person);
  return person;
}

/** Admin endpoints answer MFA_REQUIRED until the admin has a second factor: set one up as a person would, with the code an authenticator app shows. */
async function enrolSecondFactor(forumUrl, person) {
  const { secret } = await expectStatus(httpRequest('POST', `${forumUrl}/me/mfa/totp`, { token: person.token }), 201, 'start two-step sign-in');
  const code = await generate({ secret });
  await expectStatus(httpRequest('POST', `${forumUrl}/me/mfa/totp/confirm`, { token: person.token, body: { code } }), 200, 'confirm two-step sign-in');
}

const ALWAYS_COVERED = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];

/** A group that publishes after screening (`post` mode), always covered, no slow mode. */
async function createGroup(forumUrl, adminPerson) {
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const body = await expectStatus(
    httpRequest('POST', `${forumUrl}/groups`, {
      token: adminPerson.token,
      body: {
        slug,
        name: `Benchmark group ${slug}`,
        description: 'A group the benchmark suite creates to measure the forum and the screening pipeline.',
        condition: 'Chronic kidney disease',
        eligibility: { minAge: 18, maxAge: 30, questions: [{ key: 'diagnosis', prompt: 'Do you live with kidney disease?', required: true, expected: 'yes' }] },
        moderation: {
          mode: 'post',
          firstPostsHeld: 0,
          reviewSlaMinutes: 60,
          urgentSlaMinutes: 10,
          reportsToHide: 2,
          coverage: ALWAYS_COVERED,
          timezone: 'Europe/London',
          outOfCoverage: 'post',
        },
      },
    }),
    201,
    'create group',
  );
  const code = await expectStatus(
    httpRequest('POST', `${forumUrl}/groups/${body.id}/referral-codes`, {
      token: adminPerson.token,
      body: { label: 'Benchmark', maxUses: 1000, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    }),
    201,
    'referral code',
  );
  return { groupId: body.id, code: code.code };
}

/** A person registered, approved with the referral code, who has accepted the agreement. */
async function member(forumUrl, groupId, code) {
  const tag = randomUUID().slice(0, 12);
  const email = `bench-${tag}@example.org`;
  await expectStatus(
    httpRequest('POST', `${forumUrl}/auth/register`, {
      body: { email, password: PASSWORD, displayName: `Bench ${tag}`, dateOfBirth: '2000-05-17', consent: true },
    }),
    202,
    'register',
  );
  // A person would follow the mailed link; the benchmark marks the address verified instead.
  const client = db();
  await client.connect();
  try {
    await client.query('UPDATE users SET email_verified_at = now() WHERE email_normalised = $1', [email]);
  } finally {
    await client.end();
  }
  const person = await login(forumUrl, email);
  const application = await expectStatus(
    httpRequest('POST', `${forumUrl}/groups/${groupId}/applications`, {
      token: person.token,
      body: { answers: { diagnosis: 'yes' }, declaration: true, referralCode: code },
    }),
    201,
    'apply',
  );
  if (application.status !== 'approved') throw new Error(`not approved: ${JSON.stringify(application)}`);
  const agreement = await expectStatus(httpRequest('GET', `${forumUrl}/groups/${groupId}/agreement`), 200, 'agreement');
  await expectStatus(
    httpRequest('POST', `${forumUrl}/groups/${groupId}/agreement/acceptances`, { token: person.token, body: { version: agreement.version } }),
    201,
    'accept agreement',
  );
  return person;
}

/** A fresh group with `count` members (sessions are only valid for this run). */
async function community(forumUrl, count) {
  const adminPerson = await admin(forumUrl);
  const { groupId, code } = await createGroup(forumUrl, adminPerson);
  const members = [];
  for (let i = 0; i < count; i++) members.push(await member(forumUrl, groupId, code));
  return { admin: adminPerson, groupId, code, members };
}

async function ensureSeedTable(client) {
  await client.query(`CREATE TABLE IF NOT EXISTS bench_seed (key text PRIMARY KEY, value jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
}

/**
 * A group holding `topics` published topics of `postsPerTopic` published posts each (300
 * characters), written by a handful of real members. Reused across runs when the same size was
 * seeded before and its members can still sign in.
 */
async function seededForum(forumUrl, { topics, postsPerTopic }, log = () => {}) {
  const key = `forum-${topics}x${postsPerTopic}`;
  const client = db();
  await client.connect();
  try {
    await ensureSeedTable(client);
    const { rows } = await client.query('SELECT value FROM bench_seed WHERE key = $1', [key]);
    if (rows.length) {
      const seed = rows[0].value;
      const { rows: still } = await client.query('SELECT count(*)::int AS n FROM topics WHERE group_id = $1', [seed.groupId]);
      if (still[0].n === topics) {
        try {
          const members = [];
          for (const email of seed.memberEmails) members.push(await login(forumUrl, email));
          log(`  reusing the seeded forum ${key} (group ${seed.groupId})`);
          return { groupId: seed.groupId, members, topicIds: seed.topicIds };
        } catch (error) {
          log(`  seeded forum ${key} unusable (${error.message}); seeding again`);
        }
      }
      await client.query('DELETE FROM bench_seed WHERE key = $1', [key]);
    }

    log(`  seeding ${topics} topics × ${postsPerTopic} posts…`);
    const started = Date.now();
    const made = await community(forumUrl, 5);
    const authors = made.members.map((m) => m.id);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO topics (group_id, author_id, title, status, reply_count, last_activity_at, created_at)
       SELECT $1, ($2::uuid[])[1 + g % array_length($2::uuid[], 1)], 'Seeded topic number ' || g, 'published', $4 - 1,
              now() - make_interval(secs => $3 - g), now() - make_interval(secs => $3 - g)
       FROM generate_series(1, $3) AS g`,
      [made.groupId, authors, topics, postsPerTopic],
    );
    await client.query(
      `INSERT INTO posts (topic_id, group_id, author_id, body, status, revision, is_opening, was_published, created_at, screened_at)
       SELECT t.id, t.group_id, ($2::uuid[])[1 + (t.rn + k) % array_length($2::uuid[], 1)],
              left('Reply ' || k || ' in this topic. Clinic went fine today, the nurses were kind and my bloods look better than last month. '
                   || 'Fluid limits are hard in summer; walking a bit more helps me sleep. Sending support to everyone reading this, you are not alone. '
                   || repeat('Thanks for sharing. ', 10), 300),
              'published', 1, k = 1, true, t.created_at + make_interval(secs => k), now()
       FROM (SELECT id, group_id, created_at, row_number() OVER (ORDER BY created_at) AS rn FROM topics WHERE group_id = $1) AS t,
            generate_series(1, $3) AS k`,
      [made.groupId, authors, postsPerTopic],
    );
    await client.query(`UPDATE topics t SET opening_post_id = p.id FROM posts p WHERE p.topic_id = t.id AND p.is_opening AND t.group_id = $1`, [made.groupId]);
    // A few reactions, so the page's reaction counts have rows to count.
    await client.query(
      `INSERT INTO post_reactions (post_id, user_id, kind)
       SELECT p.id, ($2::uuid[])[1 + (hashtext(p.id::text) & 3)], 'support' FROM posts p WHERE p.group_id = $1 AND hashtext(p.id::text) % 5 = 0
       ON CONFLICT DO NOTHING`,
      [made.groupId, authors],
    );
    const { rows: sample } = await client.query('SELECT id FROM topics WHERE group_id = $1 ORDER BY random() LIMIT 1000', [made.groupId]);
    const topicIds = sample.map((r) => r.id);
    await client.query('INSERT INTO bench_seed (key, value) VALUES ($1, $2)', [
      key,
      { groupId: made.groupId, memberEmails: made.members.map((m) => m.email), topicIds },
    ]);
    await client.query('COMMIT');
    await client.query('ANALYZE topics; ANALYZE posts; ANALYZE post_reactions');
    log(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { groupId: made.groupId, members: made.members, topicIds };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

module.exports = { community, seededForum, login, PASSWORD };
