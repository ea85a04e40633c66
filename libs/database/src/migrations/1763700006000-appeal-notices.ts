import { MigrationInterface, QueryRunner } from 'typeorm';

/** Appellants are told how their appeal was decided, in a notice of its own kind. */
export class AppealNotices1763700006000 implements MigrationInterface {
  name = 'AppealNotices1763700006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notices WHERE kind = 'appeal'`);
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application'))`,
    );
  }
}
