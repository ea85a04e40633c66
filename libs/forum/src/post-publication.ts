import type { EntityManager } from 'typeorm';
import { subjectFromRow, type ScreeningSubject, type SubjectRow } from '@kindred/moderation';

type Row = SubjectRow;

const subject = (r: Row): ScreeningSubject => subjectFromRow('post', r);

/**
 * A post as screening reads it: an opening post carries its topic's title and content warning,
 * which are screened with it (`p` is the post, `t` its topic when it opens one).
 */
export const SUBJECT_COLUMNS = `p.id, p.group_id, p.author_id, p.body, p.revision, p.status, t.title, t.content_warning`;
export const OPENING_TOPIC_JOIN = `LEFT JOIN topics t ON p.is_opening AND t.id = p.topic_id`;

/** Several posts as screening sees them, in one statement and without locks. */
export async function peekPosts(manager: EntityManager, ids: string[]): Promise<ScreeningSubject[]> {
  if (ids.length === 0) return [];
  const rows = (await manager.query(`SELECT ${SUBJECT_COLUMNS} FROM posts p ${OPENING_TOPIC_JOIN} WHERE p.id = ANY($1::uuid[])`, [ids])) as Row[];
  return rows.map(subject);
}

/**
 * Publishes every post still in `screening` at the given revision, in one statement, with the
 * same effect on topics as `moveTo` one post at a time: an opening post publishes its topic; a
 * reply published for the first time adds to the topic's reply count; either moves the topic's
 * last activity on. Each topic row is updated once, whatever the batch holds. A post hidden by
 * reports goes back to `hidden` instead, until a moderator decides.
 */
export async function publishPosts(manager: EntityManager, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
  if (items.length === 0) return [];
  const rows = (await manager.query(
    `WITH wanted AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[]) AS w(id, revision, body)
     ), done AS (
       UPDATE posts p SET status = CASE WHEN before.hidden_by_reports THEN 'hidden' ELSE 'published' END, was_published = NOT before.hidden_by_reports,
                          published_body = NULL, body = wanted.body, signposting = NULL, screened_at = now()
         FROM wanted, posts before
        WHERE p.id = wanted.id AND before.id = p.id AND p.status = 'screening' AND p.revision = wanted.revision
        RETURNING p.id, p.topic_id, p.group_id, p.author_id, p.body, p.revision, p.status, p.is_opening, before.was_published AS was_published
     ), per_topic AS (
       SELECT topic_id, bool_or(is_opening) AS opening, bool_or(is_opening AND status = 'published') AS opening_shown,
              (count(*) FILTER (WHERE NOT is_opening AND status = 'published' AND NOT was_published))::int AS replies,
              (count(*) FILTER (WHERE NOT is_opening AND status = 'hidden' AND was_published))::int AS unshown
         FROM done GROUP BY topic_id
     ), topics_touched AS (
       UPDATE topics t SET status = CASE WHEN c.opening THEN (CASE WHEN c.opening_shown THEN 'published' ELSE 'hidden' END) ELSE t.status END,
                           reply_count = greatest(t.reply_count + c.replies - c.unshown, 0),
                           last_activity_at = CASE WHEN c.opening_shown OR c.replies > 0 THEN greatest(t.last_activity_at, now()) ELSE t.last_activity_at END
         FROM per_topic c
        WHERE t.id = c.topic_id AND (c.opening OR c.replies > 0 OR c.unshown > 0)
        RETURNING t.id
     )
     SELECT id, group_id, author_id, body, revision, status FROM done`,
    [items.map((i) => i.id), items.map((i) => i.revision), items.map((i) => i.body)],
  )) as Row[];
  return rows.map(subject);
}
