import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { DeliveryChannel, DeliveryMode, NotificationKind } from './notification-kinds';

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

/** A delivery a new notification wants (its event, person and channel name its notification). */
export interface NewDelivery {
  eventId: string;
  userId: string;
  channel: DeliveryChannel;
  mode: DeliveryMode;
  state: 'pending' | 'held';
  urgent: boolean;
  dueAt: Date;
}

export interface WrittenDelivery {
  id: string;
  mode: DeliveryMode;
  dueAt: Date;
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

/**
 * The `written` and `delivered` CTEs of an upsert, parameters `$first` (the notifications, as JSON)
 * and `$first + 1` (the deliveries), keeping only the notifications `filter` (over `r`) lets through.
 */
function upsert(first: number, filter: string): string {
  return `written AS (
         INSERT INTO notifications (event_id, user_id, kind, group_id, subject_id, title, count)
         SELECT r.event_id, r.user_id, r.kind, r.group_id, r.subject_id, r.title, r.count
         FROM jsonb_to_recordset($${first}::jsonb) AS r(event_id text, user_id uuid, kind text, group_id uuid, subject_id uuid, title text, count int, key text)
         ${filter}
         ON CONFLICT (event_id, user_id) DO UPDATE SET count = EXCLUDED.count, title = EXCLUDED.title, read_at = NULL, created_at = now()
           WHERE notifications.count < EXCLUDED.count
         RETURNING ${COLUMNS}),
       delivered AS (
         INSERT INTO notification_deliveries (notification_id, event_id, user_id, channel, mode, state, urgent, due_at)
         SELECT w.id, d.event_id, d.user_id, d.channel, d.mode, d.state, d.urgent, d.due_at
         FROM jsonb_to_recordset($${first + 1}::jsonb) AS d(event_id text, user_id uuid, channel text, mode text, state text, urgent boolean, due_at timestamptz)
         JOIN written w ON w."eventId" = d.event_id AND w."userId" = d.user_id
         ON CONFLICT (event_id, user_id, channel) DO NOTHING
         RETURNING id, notification_id, mode, due_at)`;
}

/** The deliveries written for the notification `w`, as JSON. */
const DELIVERIES_OF_W = `coalesce((SELECT jsonb_agg(jsonb_build_object('id', x.id, 'mode', x.mode, 'dueAt', x.due_at)) FROM delivered x WHERE x.notification_id = w.id), '[]')`;

function upsertParams(rows: Array<NewNotificationRow & { key?: string }>, deliveries: NewDelivery[]): [string, string] {
  return [
    JSON.stringify(
      rows.map((r) => ({
        event_id: r.eventId,
        user_id: r.userId,
        kind: r.kind,
        group_id: r.groupId,
        subject_id: r.subjectId,
        title: r.title,
        count: r.count,
        key: r.key ?? null,
      })),
    ),
    JSON.stringify(
      deliveries.map((d) => ({
        event_id: d.eventId,
        user_id: d.userId,
        channel: d.channel,
        mode: d.mode,
        state: d.state,
        urgent: d.urgent,
        due_at: d.dueAt.toISOString(),
      })),
    ),
  ];
}

/** `notifications`: one row per event and person, the in-app list and its unread state. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes each person's notification once per event, with the deliveries it wants, in one
   * statement (atomic on its own). A repeated event changes nothing, except that a batched one (a
   * count, as for reactions) keeps the highest count and is unread again; deliveries are written
   * only for notifications written or changed now, and never twice per event, person and channel.
   * Returns the notifications written or changed now (so only those are announced) and the
   * deliveries written.
   */
  async upsertWithDeliveries(
    rows: NewNotificationRow[],
    deliveries: NewDelivery[],
    tx: Tx = asTx(this.dataSource.manager),
  ): Promise<{ rows: NotificationRow[]; deliveries: WrittenDelivery[] }> {
    if (rows.length === 0) return { rows: [], deliveries: [] };
    const written = (await manager(tx).query(
      `WITH ${upsert(1, '')}
       SELECT w.*, ${DELIVERIES_OF_W} AS deliveries FROM written w`,
      upsertParams(rows, deliveries),
    )) as Array<NotificationRow & { deliveries: Array<{ id: string; mode: DeliveryMode; dueAt: string }> }>;
    return {
      rows: written.map(({ deliveries: _, ...row }) => row),
      deliveries: written.flatMap((row) => row.deliveries.map((d) => ({ id: d.id, mode: d.mode, dueAt: new Date(d.dueAt) }))),
    };
  }

  /**
   * The caller's data-modifying statement (a bare `UPDATE … RETURNING` or `INSERT … RETURNING`
   * with parameters `$1…$n`, returning a text column `notify_key`) and, in the same statement, as
   * `upsertWithDeliveries`, the notifications (and their deliveries) whose `key` is the
   * `notify_key` of a row it returned: atomic without a transaction, so what a change owes others
   * commits with it in one round trip. Returns the statement's rows (as JSON objects, without
   * `notify_key`) and what was written.
   */
  async upsertWithDeliveriesAfter(
    statement: { sql: string; params: unknown[] },
    rows: Array<NewNotificationRow & { key?: string }>,
    deliveries: NewDelivery[],
  ): Promise<{ changed: Array<Record<string, unknown>>; rows: NotificationRow[]; deliveries: WrittenDelivery[] }> {
    const n = statement.params.length;
    const [result] = (await this.dataSource.query(
      `WITH changed AS (${statement.sql}),
       ${upsert(n + 1, 'WHERE r.key IN (SELECT notify_key FROM changed)')}
       SELECT (SELECT coalesce(jsonb_agg(to_jsonb(c) - 'notify_key'), '[]') FROM changed c) AS changed,
              (SELECT coalesce(jsonb_agg(to_jsonb(w) || jsonb_build_object('deliveries', ${DELIVERIES_OF_W})), '[]') FROM written w) AS written`,
      [...statement.params, ...upsertParams(rows, deliveries)],
    )) as Array<{
      changed: Array<Record<string, unknown>>;
      written: Array<
        Omit<NotificationRow, 'createdAt' | 'readAt'> & {
          createdAt: string;
          readAt: string | null;
          deliveries: Array<{ id: string; mode: DeliveryMode; dueAt: string }>;
        }
      >;
    }>;
    const written = result!.written;
    return {
      changed: result!.changed,
      rows: written.map(({ deliveries: _, createdAt, readAt, ...row }) => ({
        ...row,
        createdAt: new Date(createdAt),
        readAt: readAt === null ? null : new Date(readAt),
      })),
      deliveries: written.flatMap((row) => row.deliveries.map((d) => ({ id: d.id, mode: d.mode, dueAt: new Date(d.dueAt) }))),
    };
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
