import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-to-one screened conversations (supporter check-ins, mentoring, the staff supervision thread)
 * and mentoring programmes: mentors with their training record, requests, relationships, goals,
 * check-ins and a mentor's session notes.
 */
export class ConversationsAndMentoring1763700080000 implements MigrationInterface {
  name = 'ConversationsAndMentoring1763700080000';

  async up(q: QueryRunner): Promise<void> {
    // ── conversations (libs/conversations) ──
    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('check-in', 'mentoring', 'supervision')),
        status text NOT NULL CHECK (status IN ('open', 'closed', 'declined')),
        opened_by uuid REFERENCES users(id) ON DELETE SET NULL,
        review_item_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by uuid REFERENCES users(id) ON DELETE SET NULL
      )`);
    // One supervision thread per group.
    await q.query(`CREATE UNIQUE INDEX conversations_supervision_key ON conversations (group_id) WHERE kind = 'supervision'`);
    await q.query(`
      CREATE TABLE conversation_participants (
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('member', 'supporter', 'mentor', 'mentee', 'staff')),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (conversation_id, user_id)
      )`);
    await q.query(`CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id)`);
    await q.query(`
      CREATE TABLE conversation_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('screening', 'published', 'held', 'rejected', 'hidden', 'removed', 'deleted')),
        revision integer NOT NULL DEFAULT 1,
        client_msg_id text,
        signposting jsonb,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        screened_at timestamptz,
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX conversation_messages_stream_idx ON conversation_messages (conversation_id, created_at, id)`);
    await q.query(
      `CREATE UNIQUE INDEX conversation_messages_client_msg_key ON conversation_messages (author_id, client_msg_id) WHERE client_msg_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX conversation_messages_screening_idx ON conversation_messages (created_at) WHERE status = 'screening'`);
    await q.query(`CREATE INDEX conversation_messages_author_idx ON conversation_messages (author_id, group_id)`);

    // ── mentoring (libs/mentoring) ──
    await q.query(`
      CREATE TABLE mentoring_programmes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL UNIQUE REFERENCES groups(id) ON DELETE CASCADE,
        name text NOT NULL,
        mentees_per_mentor integer NOT NULL CHECK (mentees_per_mentor BETWEEN 1 AND 20),
        relationship_weeks integer NOT NULL CHECK (relationship_weeks BETWEEN 1 AND 104),
        check_in_every_days integer NOT NULL CHECK (check_in_every_days BETWEEN 1 AND 90),
        matching_questions jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mentors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        programme_id uuid NOT NULL REFERENCES mentoring_programmes(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        answers jsonb NOT NULL DEFAULT '{}',
        training_modules text[] NOT NULL,
        trained_on date NOT NULL,
        trainer text NOT NULL,
        renew_by date NOT NULL,
        status text NOT NULL CHECK (status IN ('approved', 'withdrawn')),
        approved_by uuid REFERENCES users(id) ON DELETE SET NULL,
        approved_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (programme_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE mentoring_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        programme_id uuid NOT NULL REFERENCES mentoring_programmes(id) ON DELETE CASCADE,
        mentee_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        answers jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'matched', 'withdrawn')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A member asks once at a time in a programme.
    await q.query(`CREATE UNIQUE INDEX mentoring_requests_open_key ON mentoring_requests (programme_id, mentee_id) WHERE status = 'open'`);
    await q.query(`
      CREATE TABLE mentoring_relationships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        programme_id uuid NOT NULL REFERENCES mentoring_programmes(id) ON DELETE CASCADE,
        request_id uuid REFERENCES mentoring_requests(id) ON DELETE SET NULL,
        mentor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        mentee_id uuid REFERENCES users(id) ON DELETE SET NULL,
        status text NOT NULL CHECK (status IN ('proposed', 'active', 'ended')),
        matched_by uuid REFERENCES users(id) ON DELETE SET NULL,
        matched_at timestamptz NOT NULL DEFAULT now(),
        mentor_agreed_at timestamptz,
        mentee_agreed_at timestamptz,
        started_at timestamptz,
        ends_at timestamptz,
        ended_at timestamptz,
        ended_by uuid REFERENCES users(id) ON DELETE SET NULL,
        end_reason text,
        conversation_id uuid,
        next_check_in_due timestamptz,
        reminded_for timestamptz
      )`);
    await q.query(`CREATE INDEX mentoring_relationships_mentor_idx ON mentoring_relationships (mentor_id) WHERE status IN ('proposed', 'active')`);
    await q.query(`CREATE INDEX mentoring_relationships_mentee_idx ON mentoring_relationships (mentee_id)`);
    await q.query(`CREATE INDEX mentoring_relationships_due_idx ON mentoring_relationships (next_check_in_due) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE mentoring_goals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        relationship_id uuid NOT NULL REFERENCES mentoring_relationships(id) ON DELETE CASCADE,
        what text NOT NULL,
        by_when date NOT NULL,
        confidence integer NOT NULL CHECK (confidence BETWEEN 0 AND 10),
        status text NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mentoring_goals_relationship_idx ON mentoring_goals (relationship_id)`);
    await q.query(`
      CREATE TABLE mentoring_check_ins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        relationship_id uuid NOT NULL REFERENCES mentoring_relationships(id) ON DELETE CASCADE,
        recorded_by uuid REFERENCES users(id) ON DELETE SET NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        reviews jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`CREATE INDEX mentoring_check_ins_relationship_idx ON mentoring_check_ins (relationship_id)`);
    await q.query(`
      CREATE TABLE mentoring_session_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        relationship_id uuid NOT NULL REFERENCES mentoring_relationships(id) ON DELETE CASCADE,
        mentor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        mentee_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mentoring_session_notes_relationship_idx ON mentoring_session_notes (relationship_id)`);

    // Reminders and mentoring events reach people as notices.
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal', 'mentoring', 'check-in'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notices WHERE kind IN ('mentoring', 'check-in')`);
    await q.query(`ALTER TABLE notices DROP CONSTRAINT notices_kind_check`);
    await q.query(
      `ALTER TABLE notices ADD CONSTRAINT notices_kind_check
         CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application', 'appeal'))`,
    );
    for (const table of [
      'mentoring_session_notes',
      'mentoring_check_ins',
      'mentoring_goals',
      'mentoring_relationships',
      'mentoring_requests',
      'mentors',
      'mentoring_programmes',
      'conversation_messages',
      'conversation_participants',
      'conversations',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
