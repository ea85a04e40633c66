import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified email, password reset and change of email. Accounts made before verification existed
 * are marked verified (they have signed in with that address already). Links mailed to people are
 * kept only as SHA-256 hashes, each for one purpose, used once and until it expires; a change of
 * email keeps the new address on its token until the link is followed.
 */
export class AccountMail1763700011000 implements MigrationInterface {
  name = 'AccountMail1763700011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz`);
    await q.query(`UPDATE users SET email_verified_at = created_at`);
    await q.query(`
      CREATE TABLE account_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('verify-email', 'reset-password', 'change-email')),
        token_hash text NOT NULL UNIQUE,
        new_email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK ((purpose = 'change-email') = (new_email IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose)`);
    await q.query(`CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN email_verified_at`);
  }
}
