import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups and what hangs off them: agreements and their acceptances, applications, referral codes,
 * memberships, notices to members and each group's signposting directory.
 * Rows about a person cascade with their account (erasure); who decided or published is kept as
 * SET NULL so history survives an erased moderator. Times are kept to the millisecond, as JavaScript
 * holds them, so a cursor made from a time finds its own row again.
 */
export class Groups1763700001000 implements MigrationInterface {
  name = 'Groups1763700001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL CONSTRAINT groups_slug_format CHECK (slug ~ '^[a-z0-9-]{3,60}$'),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        condition text NOT NULL,
        eligibility jsonb NOT NULL,
        moderation jsonb NOT NULL,
        slow_mode_seconds integer NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
        chat_retention_days integer NOT NULL DEFAULT 90 CHECK (chat_retention_days > 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX groups_slug_key ON groups (slug)`);
    await q.query(`CREATE INDEX groups_directory_idx ON groups (name, id)`);

    await q.query(`
      CREATE TABLE agreement_versions (
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        clauses jsonb NOT NULL,
        published_at timestamptz(3) NOT NULL DEFAULT now(),
        published_by uuid REFERENCES users(id) ON DELETE SET NULL,
        PRIMARY KEY (group_id, version)
      )`);
    await q.query(`
      CREATE TABLE agreement_acceptances (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id uuid NOT NULL,
        version integer NOT NULL,
        accepted_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, group_id, version),
        FOREIGN KEY (group_id, version) REFERENCES agreement_versions (group_id, version) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX agreement_acceptances_group_idx ON agreement_acceptances (group_id, version)`);

    await q.query(`
      CREATE TABLE memberships (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'supporter')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'banned')),
        muted_until timestamptz(3),
        joined_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, group_id)
      )`);
    await q.query(`CREATE INDEX memberships_group_idx ON memberships (group_id, joined_at, user_id)`);
    await q.query(`CREATE INDEX memberships_supporters_idx ON memberships (group_id) WHERE role = 'supporter' AND status = 'active'`);

    await q.query(`
      CREATE TABLE referral_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        code text NOT NULL,
        label text NOT NULL,
        max_uses integer NOT NULL CHECK (max_uses > 0),
        uses integer NOT NULL DEFAULT 0,
        expires_at timestamptz(3) NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT referral_codes_uses_range CHECK (uses >= 0 AND uses <= max_uses)
      )`);
    await q.query(`CREATE UNIQUE INDEX referral_codes_code_key ON referral_codes (code)`);
    await q.query(`CREATE INDEX referral_codes_group_idx ON referral_codes (group_id)`);

    await q.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        answers jsonb NOT NULL,
        declaration boolean NOT NULL CHECK (declaration),
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        mismatches jsonb NOT NULL DEFAULT '[]',
        referral_code_id uuid REFERENCES referral_codes(id) ON DELETE SET NULL,
        due_at timestamptz(3),
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz(3),
        decision_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // One open application per person and group, even when two requests race.
    await q.query(`CREATE UNIQUE INDEX applications_one_pending_key ON applications (group_id, user_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX applications_queue_idx ON applications (group_id, status, created_at, id)`);
    await q.query(`CREATE INDEX applications_due_idx ON applications (due_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX applications_user_idx ON applications (user_id)`);

    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('removal', 'rejection', 'warning', 'mute', 'ban', 'signposting', 'application')),
        group_id uuid REFERENCES groups(id) ON DELETE CASCADE,
        subject_id uuid,
        clause_key text,
        message text NOT NULL,
        resources jsonb,
        appealable boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notices_user_idx ON notices (user_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE resources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('crisis', 'clinical', 'peer', 'information')),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        phone text,
        sms text,
        url text,
        hours text,
        position integer NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX resources_group_idx ON resources (group_id, position, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE resources`);
    await q.query(`DROP TABLE notices`);
    await q.query(`DROP TABLE applications`);
    await q.query(`DROP TABLE referral_codes`);
    await q.query(`DROP TABLE memberships`);
    await q.query(`DROP TABLE agreement_acceptances`);
    await q.query(`DROP TABLE agreement_versions`);
    await q.query(`DROP TABLE groups`);
  }
}
