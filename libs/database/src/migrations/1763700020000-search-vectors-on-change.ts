import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search vectors are built when their words change, not on every update of the row.
 *
 * A stored generated column is recomputed by PostgreSQL on every UPDATE of its row, whichever
 * columns change: publishing a post, a verdict, and every reply count or last-activity bump of a
 * topic ran `to_tsvector` again over the same words, on the screening path's hot statement
 * (`bench/tools/search-vector-cost.sh` measures it; docs/PERFORMANCE.md has the figures). The
 * columns are now plain and kept by triggers that run on insert and when `body` (or `title`)
 * actually changes, so the words are stemmed once per revision. Everything else about search is
 * unchanged: same columns, same weights, same partial GIN indexes.
 */
export class SearchVectorsOnChange1763700020000 implements MigrationInterface {
  name = 'SearchVectorsOnChange1763700020000';

  async up(q: QueryRunner): Promise<void> {
    // DROP EXPRESSION keeps each row's current vector and makes the column a plain one.
    await q.query(`ALTER TABLE posts ALTER COLUMN search_vector DROP EXPRESSION`);
    await q.query(`ALTER TABLE topics ALTER COLUMN search_vector DROP EXPRESSION`);
    await q.query(`
      CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector := setweight(to_tsvector('english', NEW.body), 'B');
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE FUNCTION topics_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector := setweight(to_tsvector('english', NEW.title), 'A');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER posts_search_vector_insert BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION posts_search_vector()`);
    // The WHEN is checked without calling the function: an update that leaves the words alone costs nothing here.
    await q.query(
      `CREATE TRIGGER posts_search_vector_update BEFORE UPDATE OF body ON posts FOR EACH ROW
        WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION posts_search_vector()`,
    );
    await q.query(`CREATE TRIGGER topics_search_vector_insert BEFORE INSERT ON topics FOR EACH ROW EXECUTE FUNCTION topics_search_vector()`);
    await q.query(
      `CREATE TRIGGER topics_search_vector_update BEFORE UPDATE OF title ON topics FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION topics_search_vector()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER topics_search_vector_update ON topics`);
    await q.query(`DROP TRIGGER topics_search_vector_insert ON topics`);
    await q.query(`DROP TRIGGER posts_search_vector_update ON posts`);
    await q.query(`DROP TRIGGER posts_search_vector_insert ON posts`);
    await q.query(`DROP FUNCTION topics_search_vector()`);
    await q.query(`DROP FUNCTION posts_search_vector()`);
    // Back to generated columns: dropping and re-adding rewrites each table, as the first migration did.
    await q.query(`DROP INDEX topics_search_idx`);
    await q.query(`DROP INDEX posts_search_idx`);
    await q.query(`ALTER TABLE topics DROP COLUMN search_vector`);
    await q.query(`ALTER TABLE posts DROP COLUMN search_vector`);
    await q.query(`ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', body), 'B')) STORED`);
    await q.query(`ALTER TABLE topics ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A')) STORED`);
    await q.query(`CREATE INDEX posts_search_idx ON posts USING gin (group_id, search_vector) WHERE status = 'published'`);
    await q.query(`CREATE INDEX topics_search_idx ON topics USING gin (group_id, search_vector) WHERE status = 'published'`);
  }
}
