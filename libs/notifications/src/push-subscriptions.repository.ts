import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { affected } from './notifications.repository';

export interface PushSubscriptionRow {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

const COLUMNS = `id, user_id AS "userId", endpoint, p256dh, auth`;

/** `push_subscriptions` (one per browser or device) and `vapid_keys` (the key pair pushes are signed with). */
@Injectable()
export class PushSubscriptionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Registers the device for the person. An endpoint is one browser's: registering it again (the
   * same person, new keys, or another person now signed in on that browser) moves it to them.
   */
  async upsert(userId: string, sub: { endpoint: string; p256dh: string; auth: string }): Promise<string> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
       RETURNING id`,
      [userId, sub.endpoint, sub.p256dh, sub.auth],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** Removes the person's own subscription; false when it is not theirs or not there. */
  async remove(userId: string, id: string): Promise<boolean> {
    return affected(await this.dataSource.query(`DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2`, [id, userId])) > 0;
  }

  /** A push service answered 404 or 410: the browser dropped it. */
  async forget(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM push_subscriptions WHERE id = $1`, [id]);
  }

  forUser(userId: string): Promise<PushSubscriptionRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at`, [userId]) as Promise<
      PushSubscriptionRow[]
    >;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE push_subscriptions SET last_sent_at = now() WHERE id = $1`, [id]);
  }

  /** The key pair, made by whichever process asks first: the first insert wins and everyone reads it back. */
  async vapidKeys(make: () => { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }> {
    const existing = (await this.dataSource.query(`SELECT public_key AS "publicKey", private_key AS "privateKey" FROM vapid_keys WHERE id = 1`)) as Array<{
      publicKey: string;
      privateKey: string;
    }>;
    if (existing[0]) return existing[0];
    const made = make();
    await this.dataSource.query(`INSERT INTO vapid_keys (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, [
      made.publicKey,
      made.privateKey,
    ]);
    const [row] = (await this.dataSource.query(`SELECT public_key AS "publicKey", private_key AS "privateKey" FROM vapid_keys WHERE id = 1`)) as Array<{
      publicKey: string;
      privateKey: string;
    }>;
    return row!;
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(`SELECT id, endpoint, created_at AS "createdAt", last_sent_at AS "lastSentAt" FROM push_subscriptions WHERE user_id = $1`, [
      userId,
    ]) as Promise<unknown[]>;
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM push_subscriptions WHERE user_id = $1`, [userId]);
  }
}
