import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { KindPreference } from './notification-kinds';
import { affected } from './notifications.repository';

export interface StoredPreferences {
  userId: string;
  timezone: string;
  quietFrom: string | null;
  quietTo: string | null;
  /** Only what the person changed; the rest is the defaults. */
  kinds: Partial<Record<string, Partial<KindPreference>>>;
  showDetails: boolean;
}

/** Someone a notification can reach: their settings (null when they never chose) and whether push can reach them. */
export interface Recipient {
  userId: string;
  preferences: StoredPreferences | null;
  hasDevice: boolean;
}

/** The columns of a stored setting, of the table or (`p.`) of its alias. */
function columns(alias = ''): string {
  return `${alias}user_id AS "userId", ${alias}timezone, ${alias}quiet_from AS "quietFrom", ${alias}quiet_to AS "quietTo", ${alias}kinds, ${alias}show_details AS "showDetails"`;
}
const COLUMNS = columns();

/** `notification_preferences` and `unsubscribe_tokens`: what each person wants, and the mailed links that turn mail off. */
@Injectable()
export class PreferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<StoredPreferences | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM notification_preferences WHERE user_id = $1`, [userId])) as StoredPreferences[];
    return rows[0] ?? null;
  }

  /**
   * Who among the ids is still someone to notify (an account, as identity's published
   * `display_names` lists them: an erased person is gone), with their stored settings (null: the
   * defaults) and whether they have a device for push, in one statement.
   */
  async recipients(userIds: string[], tx: Tx = asTx(this.dataSource.manager)): Promise<Recipient[]> {
    if (userIds.length === 0) return [];
    const rows = (await manager(tx).query(
      `SELECT a.id AS "recipientId", p.user_id IS NOT NULL AS stored, ${columns('p.')},
              EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = a.id) AS "hasDevice"
         FROM display_names a LEFT JOIN notification_preferences p ON p.user_id = a.id
        WHERE a.id = ANY($1::uuid[])`,
      [userIds],
    )) as Array<StoredPreferences & { recipientId: string; stored: boolean; hasDevice: boolean }>;
    return rows.map(({ recipientId, stored, hasDevice, ...preferences }) => ({
      userId: recipientId,
      preferences: stored ? preferences : null,
      hasDevice,
    }));
  }

  async save(p: StoredPreferences): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, timezone, quiet_from, quiet_to, kinds, show_details, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, now())
       ON CONFLICT (user_id) DO UPDATE SET timezone = EXCLUDED.timezone, quiet_from = EXCLUDED.quiet_from, quiet_to = EXCLUDED.quiet_to,
         kinds = EXCLUDED.kinds, show_details = EXCLUDED.show_details, updated_at = now()`,
      [p.userId, p.timezone, p.quietFrom, p.quietTo, JSON.stringify(p.kinds), p.showDetails],
    );
  }

  /** The person and kind (null: every kind) a mailed unsubscribe link names, marking it used; null for an unknown token. */
  async useToken(tokenHash: string): Promise<{ userId: string; kind: string | null } | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE unsubscribe_tokens SET used_at = COALESCE(used_at, now()) WHERE token_hash = $1 RETURNING user_id AS "userId", kind`,
      [tokenHash],
    )) as [Array<{ userId: string; kind: string | null }>, number];
    return rows[0] ?? null;
  }

  async insertToken(tokenHash: string, userId: string, kind: string | null): Promise<void> {
    await this.dataSource.query(`INSERT INTO unsubscribe_tokens (token_hash, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      tokenHash,
      userId,
      kind,
    ]);
  }

  /** Unsubscribe links work for a year. */
  async pruneTokens(): Promise<number> {
    return affected(await this.dataSource.query(`DELETE FROM unsubscribe_tokens WHERE created_at < now() - interval '365 days'`));
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM notification_preferences WHERE user_id = $1`, [userId]) as Promise<unknown[]>;
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM notification_preferences WHERE user_id = $1`, [userId]);
    await manager(tx).query(`DELETE FROM unsubscribe_tokens WHERE user_id = $1`, [userId]);
  }
}
