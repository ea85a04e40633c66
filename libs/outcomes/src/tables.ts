/**
 * What this context owns in PostgreSQL. Only its repositories name these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = [
  'outcome_measures',
  'measure_attachments',
  'questionnaires',
  'commissioner_grants',
  'group_feedback',
  'agreement_proposals',
  'proposal_comments',
] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
export const PUBLISHED = [] as const;
