/**
 * What this context owns in PostgreSQL. Only its repositories name these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = [
  'mentoring_programmes',
  'mentors',
  'mentoring_requests',
  'mentoring_relationships',
  'mentoring_goals',
  'mentoring_check_ins',
  'mentoring_session_notes',
  'mentoring_relationship_spans',
  'mentoring_programme_mentees',
] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
/**
 * `mentoring_relationship_spans (group_id, programme_id, started_at, ended_at)`: relationships that
 * started, for counting them over time (no person in it). `mentoring_programme_mentees
 * (programme_id, group_id, mentee_id, started_at, ended_at)`: who a programme's mentees are, for
 * asking them an outcome questionnaire.
 */
export const PUBLISHED = ['mentoring_relationship_spans', 'mentoring_programme_mentees'] as const;
