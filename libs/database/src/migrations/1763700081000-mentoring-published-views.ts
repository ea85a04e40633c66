import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mentoring publishes what the impact report and outcome questionnaires read, as views, so they
 * never name its tables: `mentoring_relationship_spans` (one row per relationship that started:
 * its group, programme and when it ran; no person) for counting relationships over time, and
 * `mentoring_programme_mentees` (each programme's mentees, with when their relationship started
 * and ended) for asking a programme's mentees an outcome questionnaire.
 */
export class MentoringPublishedViews1763700081000 implements MigrationInterface {
  name = 'MentoringPublishedViews1763700081000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW mentoring_relationship_spans AS
        SELECT p.group_id, r.programme_id, r.started_at, r.ended_at
          FROM mentoring_relationships r JOIN mentoring_programmes p ON p.id = r.programme_id
         WHERE r.started_at IS NOT NULL`);
    await q.query(`
      CREATE VIEW mentoring_programme_mentees AS
        SELECT r.programme_id, p.group_id, r.mentee_id, r.started_at, r.ended_at
          FROM mentoring_relationships r JOIN mentoring_programmes p ON p.id = r.programme_id
         WHERE r.started_at IS NOT NULL AND r.mentee_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW mentoring_programme_mentees`);
    await q.query(`DROP VIEW mentoring_relationship_spans`);
  }
}
