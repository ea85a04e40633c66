import { MigrationInterface, QueryRunner } from 'typeorm';

export class Chat1763700004000 implements MigrationInterface {
  name = 'Chat1763700004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted')),
        revision integer NOT NULL DEFAULT 1,
        client_msg_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        screened_at timestamptz,
        published_at timestamptz
      )`);
    // History and catch-up walk published messages in the order the room saw them.
    await q.query(`CREATE INDEX messages_history_idx ON messages (group_id, published_at, id) WHERE status = 'published'`);
    // A client's retry of the same send finds the message it already stored.
    await q.query(`CREATE UNIQUE INDEX messages_client_msg_key ON messages (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL`);
    await q.query(`CREATE INDEX messages_screening_idx ON messages (created_at) WHERE status = 'screening'`);
    await q.query(`CREATE INDEX messages_author_group_idx ON messages (author_id, group_id)`);
    // Retention purges by age within each group.
    await q.query(`CREATE INDEX messages_group_created_idx ON messages (group_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE messages`);
  }
}
