import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admins invite a supporter by email when the address has no account yet: the invitation keeps the
 * address, a hash of the mailed token (never the token), who invited, when it runs out, and when it
 * was accepted (by whom) or revoked. A token is used once.
 */
export class SupporterInvitations1763700092100 implements MigrationInterface {
  name = 'SupporterInvitations1763700092100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supporter_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        email text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX supporter_invitations_by_group ON supporter_invitations (group_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supporter_invitations`);
  }
}
