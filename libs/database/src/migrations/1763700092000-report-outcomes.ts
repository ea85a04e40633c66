import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS_BEFORE = `'removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal', 'mentoring', 'check-in', 'questionnaire'`;

/**
 * Members who report a post or message hear the outcome: each report records when its reporter was
 * told, so a decision tells every reporter once, and reports merged into a later item are told at
 * its decision. The notice has a kind of its own. Reports whose subject has no open review item
 * were decided before this, so they count as told.
 */
export class ReportOutcomes1763700092000 implements MigrationInterface {
  name = 'ReportOutcomes1763700092000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE content_reports ADD COLUMN outcome_told_at timestamptz`);
    await q.query(
      `UPDATE content_reports r SET outcome_told_at = now()
        WHERE NOT EXISTS (SELECT 1 FROM review_items i WHERE i.subject_type = r.subject_type AND i.subject_id = r.subject_id AND i.status = 'open')`,
    );
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(`ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${KINDS_BEFORE}, 'report-outcome'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notices WHERE kind = 'report-outcome'`);
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(`ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${KINDS_BEFORE}))`);
    await q.query(`ALTER TABLE content_reports DROP COLUMN outcome_told_at`);
  }
}
