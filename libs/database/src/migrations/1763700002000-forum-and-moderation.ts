import { MigrationInterface, QueryRunner } from 'typeorm';

export class ForumAndModeration1763700002000 implements MigrationInterface {
  name = 'ForumAndModeration1763700002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        title text NOT NULL,
        content_warning text,
        opening_post_id uuid,
        status text NOT NULL DEFAULT 'screening',
        reply_count integer NOT NULL DEFAULT 0,
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX topics_group_activity_idx ON topics (group_id, last_activity_at DESC, id DESC) WHERE status = 'published'`);
    await q.query(`
      CREATE TABLE posts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        topic_id uuid NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        reply_to_post_id uuid REFERENCES posts(id) ON DELETE SET NULL,
        body text NOT NULL,
        status text NOT NULL,
        revision integer NOT NULL DEFAULT 1,
        is_opening boolean NOT NULL DEFAULT false,
        was_published boolean NOT NULL DEFAULT false,
        signposting jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        screened_at timestamptz
      )`);
    await q.query(`CREATE INDEX posts_topic_created_idx ON posts (topic_id, created_at, id)`);
    await q.query(`CREATE INDEX posts_author_group_idx ON posts (author_id, group_id, created_at DESC)`);
    await q.query(`CREATE INDEX posts_screening_idx ON posts (created_at) WHERE status = 'screening'`);
    await q.query(`ALTER TABLE topics ADD CONSTRAINT topics_opening_post_fk FOREIGN KEY (opening_post_id) REFERENCES posts(id) ON DELETE SET NULL`);
    await q.query(`
      CREATE TABLE post_reactions (
        post_id uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (post_id, user_id, kind)
      )`);
    await q.query(`
      CREATE TABLE watched_word_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        pattern text NOT NULL,
        match text NOT NULL,
        action text NOT NULL,
        clause_key text,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX watched_word_rules_group_idx ON watched_word_rules (group_id)`);
    await q.query(`
      CREATE TABLE review_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        kind text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        subject_revision integer NOT NULL DEFAULT 1,
        subject_author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        reasons jsonb NOT NULL DEFAULT '[]',
        priority text NOT NULL,
        audience text NOT NULL DEFAULT 'supporters',
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        overdue_notified_at timestamptz,
        escalated_at timestamptz,
        claimed_by uuid REFERENCES users(id) ON DELETE SET NULL,
        claimed_at timestamptz,
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz,
        decision jsonb
      )`);
    // One open item per subject: new reasons and reports are added to it, never duplicated.
    await q.query(`CREATE UNIQUE INDEX review_items_open_subject_key ON review_items (subject_type, subject_id) WHERE status = 'open'`);
    await q.query(`CREATE INDEX review_items_queue_idx ON review_items (group_id, status, priority, due_at)`);
    await q.query(`CREATE INDEX review_items_due_idx ON review_items (due_at) WHERE status = 'open'`);
    await q.query(`
      CREATE TABLE content_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        reporter_id uuid REFERENCES users(id) ON DELETE CASCADE,
        clause_key text NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX content_reports_once_key ON content_reports (subject_type, subject_id, reporter_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['content_reports', 'review_items', 'watched_word_rules', 'post_reactions']) await q.query(`DROP TABLE ${table}`);
    await q.query(`ALTER TABLE topics DROP CONSTRAINT topics_opening_post_fk`);
    await q.query(`DROP TABLE posts`);
    await q.query(`DROP TABLE topics`);
  }
}
