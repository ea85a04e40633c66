import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation publishes how promptly each decided review item was decided, as a view,
 * `review_timeliness` (group, priority, opened, due, decided): no subject, no author, no decision.
 * The impact report reads time to decision and deadlines missed from it, without reading
 * `review_items`.
 */
export class ReviewTimeliness1763700085400 implements MigrationInterface {
  name = 'ReviewTimeliness1763700085400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIEW review_timeliness AS SELECT group_id, priority, created_at, due_at, decided_at FROM review_items WHERE status = 'decided' AND decided_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW review_timeliness`);
  }
}
