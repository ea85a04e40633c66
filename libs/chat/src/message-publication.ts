import type { EntityManager } from 'typeorm';
import { subjectFromRow, type ScreeningSubject, type SubjectRow } from '@kindred/moderation';

type Row = SubjectRow;

const subject = (r: Row): ScreeningSubject => subjectFromRow('message', r);

/**
 * A group's next place in its published stream: now, or just after the last message published
 * there if the clock says otherwise, so `published_at` order stays commit order. Call it only under
 * the group's publication lock.
 */
export const NEXT_PUBLISHED_AT = (groupParam: string) =>
  `greatest(clock_timestamp(), (SELECT max(x.published_at) FROM messages x WHERE x.group_id = ${groupParam} AND x.status = 'published') + interval '1 microsecond')`;

/** Takes the publication lock of each group, always in the same order, until the transaction ends. */
export async function lockGroupsForPublication(manager: EntityManager, groupIds: string[]): Promise<void> {
  for (const groupId of [...new Set(groupIds)].sort()) {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('chat-publish:' || $1::text, 0))`, [groupId]);
  }
}

/** Several messages as screening sees them, with what a verdict never changes, in one statement and without locks. */
export async function peekMessages(
  manager: EntityManager,
  ids: string[],
): Promise<Array<{ subject: ScreeningSubject; clientMsgId: string | null; createdAt: Date }>> {
  if (ids.length === 0) return [];
  const rows = (await manager.query(
    `SELECT id, group_id, author_id, body, revision, status, client_msg_id, created_at FROM messages WHERE id = ANY($1::uuid[])`,
    [ids],
  )) as Array<Row & { client_msg_id: string | null; created_at: Date }>;
  return rows.map((r) => ({ subject: subject(r), clientMsgId: r.client_msg_id, createdAt: r.created_at }));
}

/** One author's messages in one group: the unit whose order chat keeps. */
export interface AuthorInGroup {
  authorId: string;
  groupId: string;
}

/**
 * Publishes what passed screening, keeping each author's order: every given message still in
 * `screening` at the given revision (with the given body: a mask may have changed it) is published
 * unless an earlier message of its author in the group is still in screening; then it waits as
 * `ready` with its screened body. Waiting messages of the same authors (and of `release`) whose
 * earlier messages have all been decided are published with them. Within a group the batch takes
 * consecutive places in the order the messages were sent, after everything published before it.
 *
 * Every change that decides a message in `screening` happens under its group's publication lock
 * (taken here, and by `applyMessageVerdict` for held and rejected ones), so whichever of a waiting
 * message and the message it waits for is decided second sees the other, and lets it out.
 * Returns the messages published and those now waiting (`status` says which; the statement ends in
 * a SELECT: TypeORM answers a top-level UPDATE with `[rows, count]`, not the rows). Call inside a
 * transaction.
 */
export async function publishMessages(
  manager: EntityManager,
  items: Array<{ id: string; revision: number; body: string }>,
  release: AuthorInGroup[] = [],
): Promise<ScreeningSubject[]> {
  const ids = items.map((i) => i.id);
  const found = ids.length
    ? ((await manager.query(`SELECT DISTINCT group_id, author_id FROM messages WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids])) as Array<{
        group_id: string;
        author_id: string | null;
      }>)
    : [];
  const groups = [...new Set([...found.map((f) => f.group_id), ...release.map((r) => r.groupId)])];
  if (groups.length === 0) return [];
  // In a statement of its own, so the statement below reads what every earlier holder committed.
  await lockGroupsForPublication(manager, groups);
  const rows = (await manager.query(
    `WITH wanted AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[]) AS w(id, revision, body)
     ), fresh AS (
       SELECT m.id, m.group_id, m.author_id, m.created_at, w.body FROM messages m JOIN wanted w ON w.id = m.id
        WHERE m.status = 'screening' AND m.revision = w.revision
     ), released AS (
       SELECT author_id, group_id FROM fresh
       UNION SELECT * FROM unnest($4::uuid[], $5::uuid[]) AS r(author_id, group_id)
     ), pool AS (
       SELECT f.id, f.group_id, f.author_id, f.created_at, f.body, true AS fresh FROM fresh f
       UNION ALL
       SELECT r.id, r.group_id, r.author_id, r.created_at, r.body, false FROM messages r
        WHERE r.status = 'ready' AND (r.author_id, r.group_id) IN (SELECT author_id, group_id FROM released)
     ), judged AS (
       -- Free to go unless an earlier message of the same author in the group is still being screened (outside this batch).
       SELECT p.*, NOT EXISTS (
                SELECT 1 FROM messages e
                 WHERE e.author_id = p.author_id AND e.group_id = p.group_id AND e.status = 'screening'
                   AND (e.created_at, e.id) < (p.created_at, p.id) AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.id = e.id)
              ) AS free
         FROM pool p
     ), candidates AS (
       SELECT j.*, row_number() OVER (PARTITION BY j.group_id ORDER BY j.created_at, j.id) AS place FROM judged j WHERE j.free
     ), starts AS (
       SELECT g.group_id, ${NEXT_PUBLISHED_AT('g.group_id')} AS at FROM (SELECT DISTINCT group_id FROM candidates) g
     ), waiting AS (
       UPDATE messages m SET status = 'ready', body = j.body, screened_at = now()
         FROM judged j WHERE m.id = j.id AND j.fresh AND NOT j.free AND m.status = 'screening'
        RETURNING m.id, m.group_id, m.author_id, m.body, m.revision, m.status
     ), done AS (
       UPDATE messages m SET status = 'published', body = c.body, screened_at = coalesce(m.screened_at, now()),
                             published_at = s.at + (c.place - 1) * interval '1 microsecond'
         FROM candidates c JOIN starts s ON s.group_id = c.group_id
        WHERE m.id = c.id AND m.status IN ('screening', 'ready')
        RETURNING m.id, m.group_id, m.author_id, m.body, m.revision, m.status
     )
     SELECT * FROM done UNION ALL SELECT * FROM waiting`,
    [ids, items.map((i) => i.revision), items.map((i) => i.body), release.map((r) => r.authorId), release.map((r) => r.groupId)],
  )) as Row[];
  return rows.map(subject);
}

/**
 * A verdict on one message, in the verdict's transaction, keeping its author's order: a message that
 * passed goes out through `publishMessages` (or waits as `ready`); a held or rejected one no longer
 * holds back its author's later messages, which go out now if nothing else earlier is in screening.
 */
export async function applyMessageVerdict(
  manager: EntityManager,
  message: { id: string; groupId: string; authorId: string | null; revision: number },
  verdict: { status: 'published' | 'held' | 'rejected'; body: string },
): Promise<void> {
  if (verdict.status === 'published') {
    await publishMessages(manager, [{ id: message.id, revision: message.revision, body: verdict.body }]);
    return;
  }
  await lockGroupsForPublication(manager, [message.groupId]);
  await manager.query(`UPDATE messages SET status = $2, body = $3, screened_at = now() WHERE id = $1`, [message.id, verdict.status, verdict.body]);
  if (message.authorId) await publishMessages(manager, [], [{ authorId: message.authorId, groupId: message.groupId }]);
}
