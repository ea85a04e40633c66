import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions bound to what was read, hidden stays hidden, no crisis item closes without a person.
 *
 * - `posts.published_body`: the last published words of a post while an edit of it waits for
 *   screening or review, so others keep seeing them (marked as being edited) rather than nothing.
 * - `posts.hidden_by_reports`: set when reports hide a post, cleared only by a moderator's decision,
 *   so an edit screened clean stays hidden.
 * - `review_items.subject_change`: an urgent item kept open after the author edited or deleted the
 *   words, or erased their account ('edited', 'deleted', 'erased'). Such an item no longer
 *   describes the current content, so it is left out of the one-open-item-per-subject rule.
 * - `review_items.subject_snapshot`: the words that raised such an item, kept until the decision.
 */
export class DecisionIntegrity1763700007000 implements MigrationInterface {
  name = 'DecisionIntegrity1763700007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE posts ADD COLUMN published_body text`);
    await q.query(`ALTER TABLE posts ADD COLUMN hidden_by_reports boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE posts SET hidden_by_reports = true WHERE status = 'hidden'`);
    await q.query(`ALTER TABLE review_items ADD COLUMN subject_change text CHECK (subject_change IN ('edited', 'deleted', 'erased'))`);
    await q.query(`ALTER TABLE review_items ADD COLUMN subject_snapshot text`);
    await q.query(`DROP INDEX review_items_open_subject_key`);
    await q.query(
      `CREATE UNIQUE INDEX review_items_open_subject_key ON review_items (subject_type, subject_id) WHERE status = 'open' AND subject_change IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Kept items would break the older one-open-item rule: they close as superseded.
    await q.query(`UPDATE review_items SET status = 'superseded' WHERE status = 'open' AND subject_change IS NOT NULL`);
    await q.query(`DROP INDEX review_items_open_subject_key`);
    await q.query(`CREATE UNIQUE INDEX review_items_open_subject_key ON review_items (subject_type, subject_id) WHERE status = 'open'`);
    await q.query(`ALTER TABLE review_items DROP COLUMN subject_snapshot`);
    await q.query(`ALTER TABLE review_items DROP COLUMN subject_change`);
    await q.query(`ALTER TABLE posts DROP COLUMN hidden_by_reports`);
    await q.query(`ALTER TABLE posts DROP COLUMN published_body`);
  }
}
