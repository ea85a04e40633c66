import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat keeps each author's order: a message that passed screening while an earlier message of the
 * same author in the group is still being screened waits as `ready` until that one is decided.
 */
export class ChatAuthorOrder1763700009000 implements MigrationInterface {
  name = 'ChatAuthorOrder1763700009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('screening', 'ready', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'))`,
    );
    // "Is an earlier message of this author in this group still in screening?", and "what of theirs waits?".
    await q.query(`CREATE INDEX messages_author_waiting_idx ON messages (author_id, group_id, created_at) WHERE status IN ('screening', 'ready')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_author_waiting_idx`);
    // Waiting messages had passed screening: they are published, as they would have been before this change.
    await q.query(`UPDATE messages SET status = 'published', published_at = coalesce(published_at, now()) WHERE status = 'ready'`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_status_check`);
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_status_check
         CHECK (status IN ('screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted'))`,
    );
  }
}
