import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over a group's published posts and topic titles.
 *
 * Each post and each topic keeps its words as a stored, generated `tsvector` (English stemming),
 * weighted so that a title (A) counts for more than a body (B). The GIN indexes are on
 * `(group_id, search_vector)` (`btree_gin` lets a GIN index hold the uuid too), so one index scan
 * intersects "this group" with "these words" instead of finding every match in every group and
 * filtering afterwards; and they are partial, `WHERE status = 'published'`, so nothing a member may
 * not read is in them at all.
 *
 * The vectors must only ever cover words that are published. Today that is `posts.body` and
 * `topics.title` of rows whose status is `published`. If the published words of a post being
 * edited move to a column of their own while the new revision is screened, the post's generated
 * column (and the snippet in the search repository) must follow that column, never the revision
 * under screening. The same holds for a topic title screened before it is shown.
 *
 * Adding a stored column rewrites each table once, under an exclusive lock.
 */
export class Search1763700010000 implements MigrationInterface {
  name = 'Search1763700010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await q.query(`ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', body), 'B')) STORED`);
    await q.query(`ALTER TABLE topics ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A')) STORED`);
    await q.query(`CREATE INDEX posts_search_idx ON posts USING gin (group_id, search_vector) WHERE status = 'published'`);
    await q.query(`CREATE INDEX topics_search_idx ON topics USING gin (group_id, search_vector) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX topics_search_idx`);
    await q.query(`DROP INDEX posts_search_idx`);
    await q.query(`ALTER TABLE topics DROP COLUMN search_vector`);
    await q.query(`ALTER TABLE posts DROP COLUMN search_vector`);
    // btree_gin stays: other indexes may have come to rely on it.
  }
}
