import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation publishes what is waiting for a person's review as a view, `open_review_subjects`,
 * so a content owner's purge can keep those rows without reading `review_items`.
 */
export class OpenReviewSubjects1763700051000 implements MigrationInterface {
  name = 'OpenReviewSubjects1763700051000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW open_review_subjects AS SELECT subject_type, subject_id FROM review_items WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW open_review_subjects`);
  }
}
