/**
 * What this context owns in PostgreSQL. Only its repositories name these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = [
  'groups',
  'agreement_versions',
  'agreement_acceptances',
  'memberships',
  'applications',
  'referral_codes',
  'group_chat_retention',
  'member_standing',
  'group_members',
  'supporter_invitations',
] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
export const PUBLISHED = ['group_chat_retention', 'member_standing', 'group_members'] as const;
