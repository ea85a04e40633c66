import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The forum publishes when and where each post that reached readers was written, and by whom, as a
 * view, `post_activity` (group, author, time): no words, no topic. The impact report counts posts
 * and the people who wrote them per month from it, without reading `posts`.
 */
export class PostActivity1763700085200 implements MigrationInterface {
  name = 'PostActivity1763700085200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW post_activity AS SELECT group_id, author_id, created_at FROM posts WHERE was_published`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW post_activity`);
  }
}
