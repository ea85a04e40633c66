// Bare baseline for `forum-read`: fastify and pg running the SQL the forum runs for a page of
// posts (the posts, their authors' names, the reaction counts), without auth or framework layers.
const fastify = require('fastify')({ logger: false });
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const reader = process.env.BENCH_READER_ID ?? '00000000-0000-0000-0000-000000000000';

fastify.get('/health', async () => ({ status: 'ok' }));

fastify.get('/topics/:topicId/posts', async (request, reply) => {
  const { topicId } = request.params;
  const topic = await pool.query('SELECT id, group_id, status, author_id FROM topics WHERE id = $1', [topicId]);
  if (!topic.rowCount) return reply.code(404).send({ code: 'NOT_FOUND' });
  const { rows } = await pool.query(
    `SELECT id, topic_id, group_id, author_id, body, status, reply_to_post_id, created_at, edited_at FROM posts
     WHERE topic_id = $1 AND (status = 'published' OR (author_id = $2 AND status <> 'deleted'))
     ORDER BY created_at ASC, id ASC LIMIT 21`,
    [topicId, reader],
  );
  const page = rows.slice(0, 20);
  const ids = page.map((p) => p.id);
  const [names, reactions] = await Promise.all([
    pool.query('SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])', [[...new Set(page.map((p) => p.author_id))]]),
    pool.query(
      'SELECT post_id, kind, count(*)::int AS count, bool_or(user_id = $2) AS mine FROM post_reactions WHERE post_id = ANY($1::uuid[]) GROUP BY post_id, kind',
      [ids, reader],
    ),
  ]);
  const name = new Map(names.rows.map((r) => [r.id, r.display_name]));
  return {
    items: page.map((p) => ({
      id: p.id,
      topicId: p.topic_id,
      groupId: p.group_id,
      author: { id: p.author_id, displayName: name.get(p.author_id) ?? 'Former member' },
      body: p.body,
      status: p.status,
      replyToPostId: p.reply_to_post_id,
      reactions: Object.fromEntries(reactions.rows.filter((r) => r.post_id === p.id).map((r) => [r.kind, r.count])),
      createdAt: p.created_at,
      editedAt: p.edited_at,
    })),
    nextCursor: rows.length > 20 ? Buffer.from(JSON.stringify({ at: page[19].created_at, id: page[19].id })).toString('base64url') : null,
  };
});

fastify.listen({ port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' }).then(() => process.stdout.write('ready\n'));
process.once('SIGTERM', () =>
  fastify
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0)),
);
