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

/**
 * Publishes every message still in `screening` at the given revision, under its group's
 * publication lock. (The statement ends in a SELECT: TypeORM answers a top-level UPDATE with
 * `[rows, count]`, not the rows.) Within a group the batch takes consecutive places in the order the messages
 * were sent, after everything published before it.
 */
export async function publishMessages(manager: EntityManager, items: Array<{ id: string; revision: number; body: string }>): Promise<ScreeningSubject[]> {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.id);
  const groups = (await manager.query(`SELECT DISTINCT group_id FROM messages WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids])) as Array<{
    group_id: string;
  }>;
  if (groups.length === 0) return [];
  await lockGroupsForPublication(
    manager,
    groups.map((g) => g.group_id),
  );
  const rows = (await manager.query(
    `WITH wanted AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[]) AS w(id, revision, body)
     ), candidates AS (
       SELECT m.id, m.group_id, w.revision, w.body, row_number() OVER (PARTITION BY m.group_id ORDER BY m.created_at, m.id) AS place
         FROM messages m JOIN wanted w ON w.id = m.id
        WHERE m.status = 'screening' AND m.revision = w.revision
     ), starts AS (
       SELECT g.group_id, ${NEXT_PUBLISHED_AT('g.group_id')} AS at FROM (SELECT DISTINCT group_id FROM candidates) g
     ), done AS (
       UPDATE messages m SET status = 'published', body = c.body, screened_at = coalesce(m.screened_at, now()),
                             published_at = s.at + (c.place - 1) * interval '1 microsecond'
         FROM candidates c JOIN starts s ON s.group_id = c.group_id
        WHERE m.id = c.id AND m.status = 'screening' AND m.revision = c.revision
        RETURNING m.id, m.group_id, m.author_id, m.body, m.revision, m.status
     )
     SELECT * FROM done`,
    [ids, items.map((i) => i.revision), items.map((i) => i.body)],
  )) as Row[];
  return rows.map(subject);
}
