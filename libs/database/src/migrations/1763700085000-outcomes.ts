import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outcome measures (the outcomes context): questionnaires on fixed scales, attached to a group (or,
 * later, a mentoring programme in it), sent to members at baseline and at set intervals, and the
 * members' answers; and the commissioners who may read the impact report's aggregates.
 * Answers cascade with the member's account (erasure); who attached or granted is kept as SET NULL.
 */
/** Fixed, so the outcomes context and its documentation can name it. */
const DEFAULT_MEASURE_ID = '6b1d0c1e-2f7a-4c55-9a51-0d6c8f3e7a10';
const DEFAULT_MEASURE_DESCRIPTION =
  'Three questions about how you are getting on. There are no right answers, and only you see what you answer; the group sees only totals of ten people or more.';
const scale = (minLabel: string, maxLabel: string) => ({ min: 0, max: 10, minLabel, maxLabel });
const DEFAULT_MEASURE_QUESTIONS = [
  {
    key: 'confidence',
    text: 'How confident do you feel about managing your condition from day to day?',
    scale: scale('Not at all confident', 'Completely confident'),
  },
  {
    key: 'knowing-where-to-get-help',
    text: 'When you need help with your condition, how well do you know where to get it?',
    scale: scale('I have no idea where to go', 'I know exactly where to go'),
  },
  {
    key: 'less-alone',
    text: 'Over the last two weeks, how alone have you felt with your condition?',
    scale: scale('Completely alone', 'Not alone at all'),
  },
];

export class Outcomes1763700085000 implements MigrationInterface {
  name = 'Outcomes1763700085000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outcome_measures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '',
        questions jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array' AND jsonb_array_length(questions) BETWEEN 1 AND 30),
        built_in boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE measure_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        measure_id uuid NOT NULL REFERENCES outcome_measures(id) ON DELETE RESTRICT,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        -- A mentoring programme in the group; its members are the programme's mentees. No foreign key:
        -- programmes belong to another context, which checks the id when it offers the attachment.
        programme_id uuid,
        intervals_months integer[] NOT NULL CHECK (cardinality(intervals_months) BETWEEN 1 AND 8 AND 0 < ALL (intervals_months) AND 37 > ALL (intervals_months)),
        attached_by uuid REFERENCES users(id) ON DELETE SET NULL,
        attached_at timestamptz(3) NOT NULL DEFAULT now(),
        ended_at timestamptz(3)
      )`);
    // One live attachment of a measure per group (or programme).
    await q.query(
      `CREATE UNIQUE INDEX measure_attachments_live_key ON measure_attachments (measure_id, group_id, coalesce(programme_id, '00000000-0000-0000-0000-000000000000')) WHERE ended_at IS NULL`,
    );
    await q.query(`CREATE INDEX measure_attachments_group_idx ON measure_attachments (group_id)`);
    await q.query(`
      CREATE TABLE questionnaires (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        attachment_id uuid NOT NULL REFERENCES measure_attachments(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- 0 is the baseline; otherwise months after the baseline was sent.
        wave integer NOT NULL CHECK (wave >= 0),
        sent_at timestamptz(3) NOT NULL,
        answers jsonb,
        answered_at timestamptz(3),
        CONSTRAINT questionnaires_answered_together CHECK ((answers IS NULL) = (answered_at IS NULL))
      )`);
    // Each wave goes to each person once, however many workers tick at the same moment.
    await q.query(`CREATE UNIQUE INDEX questionnaires_once_key ON questionnaires (attachment_id, user_id, wave)`);
    await q.query(`CREATE INDEX questionnaires_user_idx ON questionnaires (user_id, sent_at DESC)`);
    await q.query(`CREATE INDEX questionnaires_group_idx ON questionnaires (group_id, attachment_id)`);
    await q.query(`
      CREATE TABLE commissioner_grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- null: every group on the platform.
        group_id uuid REFERENCES groups(id) ON DELETE CASCADE,
        granted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        granted_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX commissioner_grants_key ON commissioner_grants (user_id, coalesce(group_id, '00000000-0000-0000-0000-000000000000'))`);
    // Kindred's own measure, written for Kindred (not a licensed instrument): three questions, 0 to 10.
    await q.query(`INSERT INTO outcome_measures (id, title, description, questions, built_in) VALUES ($1, $2, $3, $4::jsonb, true)`, [
      DEFAULT_MEASURE_ID,
      'Living with my condition',
      DEFAULT_MEASURE_DESCRIPTION,
      JSON.stringify(DEFAULT_MEASURE_QUESTIONS),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['commissioner_grants', 'questionnaires', 'measure_attachments', 'outcome_measures']) await q.query(`DROP TABLE ${table}`);
  }
}
