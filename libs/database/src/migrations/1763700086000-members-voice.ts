import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members' voice (the outcomes context): feedback to a group, read by its supporters without the
 * author's name and by admins with it; and agreement changes proposed by admins, on which members
 * comment before the groups context publishes the new version. Rows a member wrote cascade with
 * their account (erasure); who proposed is kept as SET NULL.
 */
export class MembersVoice1763700086000 implements MigrationInterface {
  name = 'MembersVoice1763700086000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE group_feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        author_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX group_feedback_group_idx ON group_feedback (group_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX group_feedback_author_idx ON group_feedback (author_id)`);
    await q.query(`
      CREATE TABLE agreement_proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        clauses jsonb NOT NULL,
        summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'published', 'withdrawn')),
        published_version integer,
        proposed_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        closed_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX agreement_proposals_group_idx ON agreement_proposals (group_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE proposal_comments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL REFERENCES agreement_proposals(id) ON DELETE CASCADE,
        author_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX proposal_comments_proposal_idx ON proposal_comments (proposal_id, created_at)`);
    await q.query(`CREATE INDEX proposal_comments_author_idx ON proposal_comments (author_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['proposal_comments', 'agreement_proposals', 'group_feedback']) await q.query(`DROP TABLE ${table}`);
  }
}
