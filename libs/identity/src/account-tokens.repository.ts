import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { AccountTokenPurpose } from './account-token.entity';

export interface NewAccountToken {
  userId: string;
  purpose: AccountTokenPurpose;
  tokenHash: string;
  newEmail: string | null;
  lifetimeSeconds: number;
}

/** A password-reset link still good, with what resetting needs of its account. */
export interface ResetOwner {
  tokenId: string;
  userId: string;
  email: string;
  emailNormalised: string;
  displayName: string;
}

/** Every query of `account_tokens`, the mailed single-use links (kept as hashes). */
@Injectable()
export class AccountTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new link's hash; its id. Inside the caller's transaction when given one. */
  async insert(token: NewAccountToken, tx: Tx = asTx(this.dataSource.manager)): Promise<string> {
    const rows = (await manager(tx).query(
      `INSERT INTO account_tokens (user_id, purpose, token_hash, new_email, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING id`,
      [token.userId, token.purpose, token.tokenHash, token.newEmail, token.lifetimeSeconds],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }

  /** Uses up a good verify-email or change-email link; what it was for, or null when there is none. */
  async useEmailLink(tx: Tx, tokenHash: string): Promise<{ userId: string; purpose: AccountTokenPurpose; newEmail: string | null } | null> {
    const [rows] = (await manager(tx).query(
      `UPDATE account_tokens SET used_at = now()
       WHERE token_hash = $1 AND purpose IN ('verify-email', 'change-email') AND used_at IS NULL AND expires_at > now()
       RETURNING user_id, purpose, new_email`,
      [tokenHash],
    )) as [Array<{ user_id: string; purpose: AccountTokenPurpose; new_email: string | null }>, number];
    const row = rows[0];
    return row ? { userId: row.user_id, purpose: row.purpose, newEmail: row.new_email } : null;
  }

  /** Uses up every other link of the user for the purpose, so an older mail no longer works. */
  async useAllOf(tx: Tx, userId: string, purpose: AccountTokenPurpose): Promise<void> {
    await manager(tx).query(`UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [userId, purpose]);
  }

  async findResetOwner(tokenHash: string): Promise<ResetOwner | null> {
    const rows = (await this.dataSource.query(
      `SELECT t.id AS token_id, u.id AS user_id, u.email, u.email_normalised, u.display_name
         FROM account_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.purpose = 'reset-password' AND t.used_at IS NULL AND t.expires_at > now()`,
      [tokenHash],
    )) as Array<{ token_id: string; user_id: string; email: string; email_normalised: string; display_name: string }>;
    const row = rows[0];
    return row ? { tokenId: row.token_id, userId: row.user_id, email: row.email, emailNormalised: row.email_normalised, displayName: row.display_name } : null;
  }

  /** Uses up one link while it is still good; false when it was used or ran out in between. */
  async use(tx: Tx, tokenId: string): Promise<boolean> {
    const [rows] = (await manager(tx).query(`UPDATE account_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id`, [
      tokenId,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /** Deletes links used, or run out, more than a week ago; how many went. */
  async pruneSpent(): Promise<number> {
    const [, deleted] = (await this.dataSource.query(
      `DELETE FROM account_tokens WHERE used_at < now() - interval '7 days' OR expires_at < now() - interval '7 days'`,
    )) as [unknown, number];
    return deleted ?? 0;
  }
}
