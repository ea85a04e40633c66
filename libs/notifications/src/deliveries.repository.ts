import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import type { DeliveryChannel, DeliveryState, NotificationKind } from './notification-kinds';
import { affected } from './notifications.repository';

export type { DeliveryChannel, DeliveryMode, DeliveryState } from './notification-kinds';

/** A delivery as the sender needs it, with its notification's kind and count. */
export interface ClaimedDelivery {
  id: string;
  notificationId: string;
  userId: string;
  channel: DeliveryChannel;
  urgent: boolean;
  attempts: number;
  /** Devices this push already reached: a retry skips them. */
  sentTo: string[];
  kind: NotificationKind;
  count: number;
  groupId: string | null;
  subjectId: string | null;
}

/**
 * `notification_deliveries`: one row per event, person and channel (unique), so a repeated event
 * adds none (they are written with their notification, `NotificationsRepository.upsertWithDeliveries`). A row is claimed (`sending`) in one UPDATE before anything is sent, so two workers
 * never both send it; a claim older than `claimSeconds` belongs to a sender that died and may be
 * taken over.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes an immediate delivery that is due, or whose sender died (`claimSeconds` ago); null when
   * it is sent, failed, not due yet, or being sent by someone else now.
   */
  async claim(id: string, claimSeconds: number): Promise<ClaimedDelivery | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d SET state = 'sending', claimed_at = now(), attempts = d.attempts + 1
       FROM notifications n
       WHERE d.id = $1 AND n.id = d.notification_id AND d.mode = 'immediate'
         AND ((d.state IN ('pending', 'held') AND d.due_at <= now() + interval '1 second')
           OR (d.state = 'sending' AND d.claimed_at < now() - make_interval(secs => $2)))
       RETURNING d.id, d.notification_id AS "notificationId", d.user_id AS "userId", d.channel, d.urgent, d.attempts, d.sent_to AS "sentTo",
         n.kind, n.count, n.group_id AS "groupId", n.subject_id AS "subjectId"`,
      [id, claimSeconds],
    )) as [ClaimedDelivery[], number];
    return rows[0] ?? null;
  }

  /** The state of a delivery, for a job that could not claim it. */
  async stateOf(id: string): Promise<{ state: DeliveryState; dueAt: Date } | null> {
    const rows = (await this.dataSource.query(`SELECT state, due_at AS "dueAt" FROM notification_deliveries WHERE id = $1`, [id])) as Array<{
      state: DeliveryState;
      dueAt: Date;
    }>;
    return rows[0] ?? null;
  }

  /** One device was reached: a retry of this delivery skips it. */
  async reached(id: string, subscriptionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE notification_deliveries SET sent_to = array_append(sent_to, $2::uuid) WHERE id = $1`, [id, subscriptionId]);
  }

  async finish(id: string, state: 'sent' | 'failed' | 'skipped', error: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET state = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() END, last_error = $3 WHERE id = $1 AND state = 'sending'`,
      [id, state, error],
    );
  }

  /** The send failed and will be retried: back to pending, so the next attempt may claim it at once. */
  async release(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET state = 'pending', claimed_at = NULL, last_error = $2 WHERE id = $1 AND state = 'sending'`,
      [id, error],
    );
  }

  /** Immediate deliveries due for `graceSeconds` and not sent (their job was lost), or whose sender died. */
  async overdue(graceSeconds: number, claimSeconds: number, limit: number): Promise<Array<{ id: string; attempts: number }>> {
    return (await this.dataSource.query(
      `SELECT id, attempts FROM notification_deliveries
       WHERE mode = 'immediate' AND state IN ('pending', 'held', 'sending')
         AND ((state <> 'sending' AND due_at <= now() - make_interval(secs => $1)) OR (state = 'sending' AND claimed_at < now() - make_interval(secs => $2)))
       ORDER BY due_at LIMIT $3`,
      [graceSeconds, claimSeconds, limit],
    )) as Array<{ id: string; attempts: number }>;
  }

  /** People with digest items due, and digests whose sender died mid-send. */
  async dueDigests(claimSeconds: number, limit: number): Promise<{ users: string[]; stale: Array<{ digestId: string; userId: string }> }> {
    const users = (await this.dataSource.query(
      `SELECT DISTINCT user_id AS "userId" FROM notification_deliveries WHERE mode = 'digest' AND state = 'pending' AND due_at <= now() LIMIT $1`,
      [limit],
    )) as Array<{ userId: string }>;
    const stale = (await this.dataSource.query(
      `SELECT DISTINCT digest_id AS "digestId", user_id AS "userId" FROM notification_deliveries
       WHERE mode = 'digest' AND state = 'sending' AND claimed_at < now() - make_interval(secs => $1) LIMIT $2`,
      [claimSeconds, limit],
    )) as Array<{ digestId: string; userId: string }>;
    return { users: users.map((u) => u.userId), stale };
  }

  /**
   * Gathers the person's due digest items into one digest (its id), in one UPDATE: a second
   * worker's UPDATE waits on the row locks and then finds them taken. Returns each item's kind and count.
   */
  async claimDigest(userId: string, digestId: string): Promise<Array<{ kind: NotificationKind; count: number }>> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d SET state = 'sending', digest_id = $2, claimed_at = now(), attempts = d.attempts + 1
       FROM notifications n
       WHERE d.user_id = $1 AND d.mode = 'digest' AND d.state = 'pending' AND d.due_at <= now() AND n.id = d.notification_id
       RETURNING n.kind, n.count`,
      [userId, digestId],
    )) as [Array<{ kind: NotificationKind; count: number }>, number];
    return rows;
  }

  /** Takes over a digest whose sender died; the same digest id, so a mail that did go out is not sent again. */
  async reclaimDigest(digestId: string, claimSeconds: number): Promise<Array<{ kind: NotificationKind; count: number }>> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d SET claimed_at = now(), attempts = d.attempts + 1
       FROM notifications n
       WHERE d.digest_id = $1 AND d.state = 'sending' AND d.claimed_at < now() - make_interval(secs => $2) AND n.id = d.notification_id
       RETURNING n.kind, n.count`,
      [digestId, claimSeconds],
    )) as [Array<{ kind: NotificationKind; count: number }>, number];
    return rows;
  }

  async finishDigest(digestId: string, state: 'sent' | 'failed' | 'skipped', error: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET state = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() END, last_error = $3 WHERE digest_id = $1 AND state = 'sending'`,
      [digestId, state, error],
    );
  }

  /** A digest that failed to send goes back to pending, to be gathered again on a later tick (up to `maxAttempts`). */
  async releaseDigest(digestId: string, error: string, maxAttempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET state = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END, digest_id = NULL, claimed_at = NULL, last_error = $2
       WHERE digest_id = $1 AND state = 'sending'`,
      [digestId, error, maxAttempts],
    );
  }

  /** Finished deliveries are history: kept `days`, then deleted. */
  async pruneFinished(days: number): Promise<number> {
    return affected(
      await this.dataSource.query(
        `DELETE FROM notification_deliveries WHERE state IN ('sent', 'failed', 'skipped') AND created_at < now() - make_interval(days => $1)`,
        [days],
      ),
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM notification_deliveries WHERE user_id = $1`, [userId]);
  }
}
