import { MigrationInterface, QueryRunner } from 'typeorm';

/** Members are asked to answer an outcome questionnaire in a notice of its own kind; its subject is the questionnaire. */
export class QuestionnaireNotices1763700085500 implements MigrationInterface {
  name = 'QuestionnaireNotices1763700085500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal', 'mentoring', 'check-in', 'questionnaire'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notices WHERE kind = 'questionnaire'`);
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal', 'mentoring', 'check-in'))`,
    );
  }
}
