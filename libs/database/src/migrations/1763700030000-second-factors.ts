import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors: one TOTP authenticator per account, and its single-use recovery codes.
 *
 * The TOTP secret is stored encrypted (AES-256-GCM, key from MFA_ENCRYPTION_KEY), never in plain
 * text; `last_used_step` is the RFC 6238 time step of the last code accepted, so a code is refused
 * when it comes again (replay). A row with `confirmed_at` null is an enrolment not yet confirmed
 * with a code: it does not count as a second factor. Recovery codes are kept as SHA-256 hashes of
 * high-entropy random codes. Both go with the account (erasure) by cascade.
 */
export class SecondFactors1763700030000 implements MigrationInterface {
  name = 'SecondFactors1763700030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE second_factors (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_ciphertext text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX recovery_codes_user_code_key ON recovery_codes (user_id, code_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recovery_codes`);
    await q.query(`DROP TABLE second_factors`);
  }
}
