import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { NotificationKind } from './notification-kinds';

export interface NotificationRow {
  id: string;
  eventId: string;
  userId: string;
  kind: NotificationKind;
  groupId: string | null;
  subjectId: string | null;
  title: string;
  count: number;
  createdAt: Date;
  readAt: Date | null;
}

export interface NewNotificationRow {
  eventId: string;
  userId: string;
  kind: NotificationKind;
  groupId: string | null;
  subjectId: string | null;
  title: string;
  count: number;
}

/** The row count TypeORM gives for an UPDATE or DELETE (`[rows, count]`). */
export function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

const COLUMNS = `id, event_id AS "eventId", user_id AS "userId", kind, group_id AS "groupId", subject_id AS "subjectId", title, count,
  created_at AS "createdAt", read_at AS "readAt"`;

/** `notifications`: one row per event and person, the in-app list and its unread state. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes each person's notification once per event; a repeated event changes nothing, except
   * that a batched one (a count, as for reactions) keeps the highest count and is unread again.
   * Returns the rows written or changed now, so only those are announced.
   */
  async upsertMany(rows: NewNotificationRow[], tx: Tx = asTx(this.dataSource.manager)): Promise<NotificationRow[]> {
    if (rows.length === 0) return [];
    return (await manager(tx).query(
      `INSERT INTO notifications (event_id, user_id, kind, group_id, subject_id, title, count)
       SELECT r.event_id, r.user_id, r.kind, r.group_id, r.subject_id, r.title, r.count
       FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, user_id uuid, kind text, group_id uuid, subject_id uuid, title text, count int)
       ON CONFLICT (event_id, user_id) DO UPDATE SET count = EXCLUDED.count, title = EXCLUDED.title, read_at = NULL, created_at = now()
         WHERE notifications.count < EXCLUDED.count
       RETURNING ${COLUMNS}`,
      [
        JSON.stringify(
          rows.map((r) => ({
            event_id: r.eventId,
            user_id: r.userId,
            kind: r.kind,
            group_id: r.groupId,
            subject_id: r.subjectId,
            title: r.title,
            count: r.count,
          })),
        ),
      ],
    )) as NotificationRow[];
  }

  /** The person's notifications, newest first, after the cursor's (created_at, id). */
  async page(userId: string, limit: number, before: { at: string; id: string } | null): Promise<NotificationRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notifications
       WHERE user_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit, before?.at ?? null, before?.id ?? null],
    )) as NotificationRow[];
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`, [userId])) as Array<{
      n: number;
    }>;
    return row!.n;
  }

  /** Marks the person's own notifications read: the ids given (others' ids are ignored), or all. */
  async markRead(userId: string, ids: string[] | 'all'): Promise<number> {
    return affected(
      await this.dataSource.query(
        `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))`,
        [userId, ids === 'all' ? null : ids],
      ),
    );
  }

  async purgeOlderThan(days: number): Promise<number> {
    return affected(await this.dataSource.query(`DELETE FROM notifications WHERE created_at < now() - make_interval(days => $1)`, [days]));
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, kind, group_id AS "groupId", subject_id AS "subjectId", title, count, created_at AS "createdAt", read_at AS "readAt"
       FROM notifications WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    ) as Promise<unknown[]>;
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM notifications WHERE user_id = $1`, [userId]);
  }
}
