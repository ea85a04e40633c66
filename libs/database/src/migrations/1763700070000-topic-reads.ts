import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The forum keeps where each person has read up to in each topic, so topic lists can mark what
 * is new to them and a thread can mark the replies since their last visit. One row per person and
 * topic, moved forward only; it goes with the person's account or the topic.
 */
export class TopicReads1763700070000 implements MigrationInterface {
  name = 'TopicReads1763700070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topic_reads (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        topic_id uuid NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, topic_id)
      )`);
    await q.query(`CREATE INDEX topic_reads_topic_idx ON topic_reads (topic_id)`);
    // A held or unchecked topic stays in its author's list: found by author, beside the published topics' index.
    await q.query(`CREATE INDEX topics_author_pending_idx ON topics (author_id, group_id) WHERE status IN ('screening', 'held')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX topics_author_pending_idx`);
    await q.query(`DROP TABLE topic_reads`);
  }
}
