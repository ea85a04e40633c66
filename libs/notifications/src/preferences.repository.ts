import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
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

const COLUMNS = `user_id AS "userId", timezone, quiet_from AS "quietFrom", quiet_to AS "quietTo", kinds, show_details AS "showDetails"`;

/** `notification_preferences` and `unsubscribe_tokens`: what each person wants, and the mailed links that turn mail off. */
@Injectable()
export class PreferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<StoredPreferences | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM notification_preferences WHERE user_id = $1`, [userId])) as StoredPreferences[];
    return rows[0] ?? null;
  }

  /** Everyone's stored settings among the ids, in one query; those without a row use the defaults. */
  findMany(userIds: string[]): Promise<StoredPreferences[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM notification_preferences WHERE user_id = ANY($1::uuid[])`, [userIds]) as Promise<StoredPreferences[]>;
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
