import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A second factor as stored: the secret still sealed (see secret-box.ts). */
export interface StoredFactor {
  sealed: string;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
}

/** Every query of `second_factors` and `recovery_codes`, the identity context's second-factor tables. */
@Injectable()
export class SecondFactorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<StoredFactor | null> {
    const rows = (await this.dataSource.query(`SELECT secret_ciphertext, confirmed_at, last_used_step FROM second_factors WHERE user_id = $1`, [
      userId,
    ])) as Array<{
      secret_ciphertext: string;
      confirmed_at: Date | null;
      last_used_step: string | null;
    }>;
    const row = rows[0];
    if (!row) return null;
    return { sealed: row.secret_ciphertext, confirmedAt: row.confirmed_at, lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step) };
  }

  async status(userId: string): Promise<{ confirmedAt: Date | null; recoveryCodesLeft: number } | null> {
    const rows = (await this.dataSource.query(
      `SELECT f.confirmed_at, (SELECT count(*)::int FROM recovery_codes c WHERE c.user_id = f.user_id AND c.used_at IS NULL) AS left
         FROM second_factors f WHERE f.user_id = $1`,
      [userId],
    )) as Array<{ confirmed_at: Date | null; left: number }>;
    const row = rows[0];
    return row ? { confirmedAt: row.confirmed_at, recoveryCodesLeft: row.left } : null;
  }

  async isConfirmed(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, [userId])) as unknown[];
    return rows.length > 0;
  }

  /** A new pending enrolment, or a new secret for one still pending; false when a confirmed factor is already there. */
  async savePending(userId: string, sealed: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO second_factors (user_id, secret_ciphertext) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, last_used_step = NULL, created_at = now()
         WHERE second_factors.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, sealed],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Confirms the pending factor sealed as `sealed` (not one replaced meanwhile) at time step `step`,
   * and replaces the recovery codes, in one transaction. False when it was confirmed or replaced in between.
   */
  async confirm(userId: string, sealed: string, step: number, recoveryCodeHashes: string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const confirmed = (await manager.query(
        `UPDATE second_factors SET confirmed_at = now(), last_used_step = $3
           WHERE user_id = $1 AND confirmed_at IS NULL AND secret_ciphertext = $2 RETURNING user_id`,
        [userId, sealed, step],
      )) as unknown[][];
      if (confirmed[0]?.length === 0) return false;
      await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
      await manager.query(`INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [userId, recoveryCodeHashes]);
      return true;
    });
  }

  /** Remembers `step` as the last code used, atomically: false when that step (or a later one) was already used. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const moved = (await this.dataSource.query(
      `UPDATE second_factors SET last_used_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
      [userId, step],
    )) as unknown[][];
    return Boolean(moved[0]?.length);
  }

  /** Uses up an unused recovery code: false when there is no such code or it was used already. */
  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const used = (await this.dataSource.query(
      `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, codeHash],
    )) as unknown[][];
    return Boolean(used[0]?.length);
  }

  async remove(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
      await manager.query(`DELETE FROM second_factors WHERE user_id = $1`, [userId]);
    });
  }

  /** What re-checking the password needs: the limit key's source and the hash. */
  async passwordOf(userId: string): Promise<{ emailNormalised: string; passwordHash: string } | null> {
    const rows = (await this.dataSource.query(`SELECT email_normalised, password_hash FROM users WHERE id = $1`, [userId])) as Array<{
      email_normalised: string;
      password_hash: string;
    }>;
    return rows[0] ? { emailNormalised: rows[0].email_normalised, passwordHash: rows[0].password_hash } : null;
  }
}
