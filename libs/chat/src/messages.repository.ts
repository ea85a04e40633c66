import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deleteInBatches, manager, ReplicaReads, type Tx } from '@kindred/database';
import { subjectFromRow, type ScreeningSubject, type SubjectRow } from '@kindred/moderation';
import { ChatMessage } from './message.entity';

/** A point in a group's published stream: PostgreSQL's full-precision timestamp text, and the id. */
export interface ChatPosition {
  at: string;
  id: string;
}

/** A message as the room sees it. */
export type StoredMessage = Pick<ChatMessage, 'id' | 'groupId' | 'authorId' | 'body' | 'createdAt' | 'clientMsgId'>;

/** A message as screening reads it, with what a verdict never changes (for the event after it). */
export interface ScreenedMessage {
  subject: ScreeningSubject;
  clientMsgId: string | null;
  createdAt: Date;
}

/** One author's messages in one group: the unit whose order chat keeps. */
export interface AuthorInGroup {
  authorId: string;
  groupId: string;
}

export interface NewMessage {
  id: string;
  groupId: string;
  authorId: string;
  body: string;
  clientMsgId: string;
}

type MessageRow = { id: string; group_id: string; author_id: string | null; body: string; created_at: Date; client_msg_id: string | null };
type ScreeningRow = SubjectRow & { client_msg_id: string | null; created_at: Date };

/**
 * A group's next place in its published stream: now, or just after the last message published
 * there if the clock says otherwise, so `published_at` order stays commit order. Use it only under
 * the group's publication lock.
 */
const NEXT_PUBLISHED_AT = (groupParam: string) =>
  `greatest(clock_timestamp(), (SELECT max(x.published_at) FROM messages x WHERE x.group_id = ${groupParam} AND x.status = 'published') + interval '1 microsecond')`;

/**
 * `messages`: every query the chat context makes. Publication keeps two orders: within a group,
 * `published_at` order is commit order (a per-group advisory lock held to commit), and each
 * author's messages go out in the order they were sent (`ready` waits for an earlier one).
 */
@Injectable()
export class MessagesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly reads?: ReplicaReads,
  ) {}

  /**
   * The `INSERT … RETURNING id` of a new message, for the outbox to write with its screening job
   * in one statement; a retry (same author and clientMsgId) writes nothing.
   */
  insertStatement(m: NewMessage): { sql: string; params: unknown[] } {
    return {
      sql: `INSERT INTO messages (id, group_id, author_id, body, status, revision, client_msg_id, created_at)
              VALUES ($1, $2, $3, $4, 'screening', 1, $5, clock_timestamp())
              ON CONFLICT (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
              RETURNING id`,
      params: [m.id, m.groupId, m.authorId, m.body, m.clientMsgId],
    };
  }

  async idByClientMsgId(authorId: string, clientMsgId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT id FROM messages WHERE author_id = $1 AND client_msg_id = $2`, [authorId, clientMsgId])) as Array<{
      id: string;
    }>;
    return rows[0]?.id ?? null;
  }

  find(id: string): Promise<ChatMessage | null> {
    return this.dataSource.getRepository(ChatMessage).findOne({ where: { id } });
  }

  findMany(ids: string[]): Promise<ChatMessage[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(ChatMessage).createQueryBuilder('m').where('m.id IN (:...ids)', { ids }).getMany();
  }

  async status(id: string): Promise<ChatMessage['status'] | null> {
    const row = await this.dataSource.getRepository(ChatMessage).findOne({ where: { id }, select: { id: true, status: true } });
    return row?.status ?? null;
  }

  /** Where the group's published stream is now; null before its first message. */
  async latestPosition(groupId: string): Promise<ChatPosition | null> {
    const rows = (await this.dataSource.query(
      `SELECT published_at::text AS at, id FROM messages WHERE group_id = $1 AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT 1`,
      [groupId],
    )) as ChatPosition[];
    return rows[0] ?? null;
  }

  /** Messages published after `position`, in publication order, each with its own position. */
  async publishedSince(groupId: string, position: ChatPosition, limit: number): Promise<Array<StoredMessage & { position: ChatPosition }>> {
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.group_id, m.author_id, m.body, m.created_at, m.client_msg_id, m.published_at::text AS at FROM messages m
        WHERE m.group_id = $1 AND m.status = 'published' AND (m.published_at, m.id) > ($2::timestamptz, $3::uuid)
        ORDER BY m.published_at, m.id LIMIT $4`,
      [groupId, position.at, position.id, limit],
    )) as Array<MessageRow & { at: string }>;
    return rows.map((r) => ({ ...toStored(r), position: { at: r.at, id: r.id } }));
  }

  /** True when the message was published in the group (it can anchor a page of history). */
  async wasPublishedIn(id: string, groupId: string): Promise<boolean> {
    const anchor = (await this.dataSource.query(`SELECT published_at FROM messages WHERE id = $1 AND group_id = $2`, [id, groupId])) as Array<{
      published_at: Date | null;
    }>;
    return Boolean(anchor[0]?.published_at);
  }

  /**
   * Published messages ordered by (published_at, id): forward (oldest first) after the anchor, or
   * backward (newest first) before it or from the end. The anchor is compared in SQL so timestamps
   * keep their full precision.
   */
  async publishedPage(groupId: string, limit: number, anchor: { id: string; forward: boolean } | { forward: false }): Promise<StoredMessage[]> {
    const params: unknown[] = [groupId, limit];
    let where = `m.group_id = $1 AND m.status = 'published'`;
    if ('id' in anchor) {
      params.push(anchor.id);
      where += ` AND (m.published_at, m.id) ${anchor.forward ? '>' : '<'} (SELECT a.published_at, a.id FROM messages a WHERE a.id = $3)`;
    }
    const order = anchor.forward ? 'ASC' : 'DESC';
    const sql = `SELECT m.id, m.group_id, m.author_id, m.body, m.created_at, m.client_msg_id FROM messages m
        WHERE ${where} ORDER BY m.published_at ${order}, m.id ${order} LIMIT $2`;
    // Paging back through history may read a replica; catching up forward (`after`) must not, or a
    // client would miss what the replica has not replayed yet between its catch-up and live delivery.
    const rows = !anchor.forward && this.reads ? await this.reads.query<MessageRow>(sql, params) : ((await this.dataSource.query(sql, params)) as MessageRow[]);
    return rows.map(toStored);
  }

  /**
   * The author's own messages in the group that the room has not seen (still being checked,
   * waiting, held or not sent), newest first, created at or after `since` when given: they stay
   * on the author's screen, with their status, after a reload.
   */
  async ownUnpublished(
    groupId: string,
    authorId: string,
    since: Date | null,
    limit: number,
  ): Promise<Array<StoredMessage & { status: ChatMessage['status'] }>> {
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.group_id, m.author_id, m.body, m.created_at, m.client_msg_id, m.status FROM messages m
        WHERE m.group_id = $1 AND m.author_id = $2 AND m.status IN ('screening', 'ready', 'held', 'rejected')
              AND ($3::timestamptz IS NULL OR m.created_at >= $3)
        ORDER BY m.created_at DESC, m.id DESC LIMIT $4`,
      [groupId, authorId, since, limit],
    )) as Array<MessageRow & { status: ChatMessage['status'] }>;
    return rows.map((r) => ({ ...toStored(r), status: r.status }));
  }

  /** Reads the message under FOR UPDATE in the verdict's transaction. */
  async lockForVerdict(tx: Tx, id: string): Promise<ScreenedMessage | null> {
    const [row] = (await manager(tx).query(
      `SELECT id, group_id, author_id, body, revision, status, client_msg_id, created_at FROM messages WHERE id = $1 FOR UPDATE`,
      [id],
    )) as ScreeningRow[];
    return row ? toScreened(row) : null;
  }

  /** Several messages as screening sees them, in one statement and without locks. */
  async peek(ids: string[]): Promise<ScreenedMessage[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT id, group_id, author_id, body, revision, status, client_msg_id, created_at FROM messages WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as ScreeningRow[];
    return rows.map(toScreened);
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
   * (taken here, and by `applyVerdict` for held and rejected ones), so whichever of a waiting
   * message and the message it waits for is decided second sees the other, and lets it out.
   * Returns the messages published and those now waiting (`status` says which; the statement ends in
   * a SELECT: TypeORM answers a top-level UPDATE with `[rows, count]`, not the rows). Call inside a
   * transaction.
   */
  async publish(tx: Tx, items: Array<{ id: string; revision: number; body: string }>, release: AuthorInGroup[] = []): Promise<ScreeningSubject[]> {
    const ids = items.map((i) => i.id);
    const found = ids.length
      ? ((await manager(tx).query(`SELECT DISTINCT group_id, author_id FROM messages WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids])) as Array<{
          group_id: string;
          author_id: string | null;
        }>)
      : [];
    const groups = [...new Set([...found.map((f) => f.group_id), ...release.map((r) => r.groupId)])];
    if (groups.length === 0) return [];
    // In a statement of its own, so the statement below reads what every earlier holder committed.
    await lockGroupsForPublication(tx, groups);
    const rows = (await manager(tx).query(
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
    )) as SubjectRow[];
    return rows.map((r) => subjectFromRow('message', r));
  }

  /**
   * A verdict on one message, in the verdict's transaction, keeping its author's order: a message that
   * passed goes out through `publish` (or waits as `ready`); a held or rejected one no longer
   * holds back its author's later messages, which go out now if nothing else earlier is in screening.
   * Returns what `publish` returned: the message itself when it passed (published or waiting), and
   * every waiting message of its author the verdict let out, as published.
   */
  async applyVerdict(
    tx: Tx,
    message: { id: string; groupId: string; authorId: string | null; revision: number },
    verdict: { status: 'published' | 'held' | 'rejected'; body: string },
  ): Promise<ScreeningSubject[]> {
    if (verdict.status === 'published') return this.publish(tx, [{ id: message.id, revision: message.revision, body: verdict.body }]);
    await lockGroupsForPublication(tx, [message.groupId]);
    await manager(tx).query(`UPDATE messages SET status = $2, body = $3, screened_at = now() WHERE id = $1`, [message.id, verdict.status, verdict.body]);
    return message.authorId ? this.publish(tx, [], [{ authorId: message.authorId, groupId: message.groupId }]) : [];
  }

  /** The author's published messages in the group, counted up to `atMost` only. */
  async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM messages WHERE author_id = $1 AND group_id = $2 AND status = 'published' LIMIT $3) t`,
      [authorId, groupId, atMost],
    )) as Array<{ count: number }>;
    return count;
  }

  stuckInScreening(olderThanSeconds: number, limit: number): Promise<Array<{ id: string; revision: number }>> {
    return this.dataSource.query(
      `SELECT id, revision FROM messages WHERE status = 'screening' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  /** Hides a published message pending review. */
  async hide(tx: Tx, id: string): Promise<void> {
    await manager(tx).query(`UPDATE messages SET status = 'hidden' WHERE id = $1 AND status = 'published'`, [id]);
  }

  async remove(tx: Tx, id: string): Promise<void> {
    await manager(tx).query(`UPDATE messages SET status = 'removed' WHERE id = $1 AND status <> 'deleted'`, [id]);
  }

  /** An approval publishes the message now: its place in the room is when the room first saw it. Nothing for a deleted one. */
  async approve(tx: Tx, id: string): Promise<void> {
    const [row] = (await manager(tx).query(`SELECT group_id FROM messages WHERE id = $1 AND status <> 'deleted'`, [id])) as Array<{ group_id: string }>;
    if (!row) return;
    // One statement: the group's publication lock is taken (the CTE runs first, being joined) before
    // the row's place in the stream is read, and the group's other publishers wait one round trip less.
    await manager(tx).query(
      `WITH publish_lock AS (SELECT pg_advisory_xact_lock(hashtextextended('chat-publish:' || $3::text, 0)))
     UPDATE messages SET status = 'published', body = coalesce($2, body), screened_at = coalesce(screened_at, now()), published_at = ${NEXT_PUBLISHED_AT('$3::uuid')}
       FROM publish_lock WHERE id = $1`,
      [id, null, row.group_id],
    );
  }

  /** The person's messages for their data export, oldest first. */
  exportFor(authorId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", body, status, client_msg_id AS "clientMsgId", created_at AS "createdAt", published_at AS "publishedAt"
         FROM messages WHERE author_id = $1 ORDER BY created_at`,
      [authorId],
    );
  }

  /** The words of these messages, locked until the erasure's transaction ends. */
  lockBodies(tx: Tx, ids: string[]): Promise<Array<{ id: string; body: string }>> {
    return manager(tx).query(`SELECT id, body FROM messages WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids]);
  }

  /** The words go; each row stays as an empty, author-less "deleted" message so history ids still resolve. */
  async eraseAuthor(tx: Tx, authorId: string): Promise<void> {
    await manager(tx).query(`UPDATE messages SET body = '', status = 'deleted', author_id = NULL, client_msg_id = NULL WHERE author_id = $1`, [authorId]);
  }

  /**
   * Deletes, in batches, messages past their group's retention period (groups publish it as
   * `group_chat_retention`), except those still in screening or waiting for a person's review
   * (moderation publishes `open_review_subjects`). Counts per group.
   */
  purgeExpired(batchSize: number): Promise<Map<string, number>> {
    return deleteInBatches(
      this.dataSource,
      `DELETE FROM messages WHERE id IN (
         SELECT m.id FROM messages m JOIN group_chat_retention g ON g.group_id = m.group_id
          WHERE m.status <> 'screening' AND m.created_at < now() - make_interval(days => g.chat_retention_days)
            AND NOT EXISTS (SELECT 1 FROM open_review_subjects r WHERE r.subject_type = 'message' AND r.subject_id = m.id)
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED)
       RETURNING group_id`,
      [],
      batchSize,
    );
  }
}

/** Takes the publication lock of each group, always in the same order, until the transaction ends. */
async function lockGroupsForPublication(tx: Tx, groupIds: string[]): Promise<void> {
  for (const groupId of [...new Set(groupIds)].sort()) {
    await manager(tx).query(`SELECT pg_advisory_xact_lock(hashtextextended('chat-publish:' || $1::text, 0))`, [groupId]);
  }
}

function toStored(r: MessageRow): StoredMessage {
  return { id: r.id, groupId: r.group_id, authorId: r.author_id, body: r.body, createdAt: r.created_at, clientMsgId: r.client_msg_id };
}

function toScreened(r: ScreeningRow): ScreenedMessage {
  return { subject: subjectFromRow('message', r), clientMsgId: r.client_msg_id, createdAt: r.created_at };
}
