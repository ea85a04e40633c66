import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A group can be prepared as a draft (its agreement, resources, supporters and codes set up) and
 * opened when ready: `opened_at` is null while it is a draft, which the public directory never
 * lists. Every group that exists is already open. A referral code can be revoked (`revoked_at`),
 * after which it admits nobody.
 */
export class GroupDraftsAndRevokedCodes1763700076000 implements MigrationInterface {
  name = 'GroupDraftsAndRevokedCodes1763700076000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE groups ADD COLUMN opened_at timestamptz`);
    await q.query(`UPDATE groups SET opened_at = created_at`);
    await q.query(`ALTER TABLE referral_codes ADD COLUMN revoked_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral_codes DROP COLUMN revoked_at`);
    await q.query(`ALTER TABLE groups DROP COLUMN opened_at`);
  }
}
