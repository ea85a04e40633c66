import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notice carries what its words need, not only its words: the time a mute ends (`until`), shown
 * in the reader's own time zone, and, for the author alone, the words that were removed or not
 * published (`quote`), so they know which of their posts the notice is about.
 */
export class NoticeDetails1763700075000 implements MigrationInterface {
  name = 'NoticeDetails1763700075000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notices ADD COLUMN until timestamptz, ADD COLUMN quote text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notices DROP COLUMN quote, DROP COLUMN until`);
  }
}
