/**
 * What this context owns in PostgreSQL. Only its repositories name these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = [
  'review_items',
  'content_reports',
  'appeals',
  'enforcement_history',
  'watched_word_rules',
  'moderation_alerts',
  'review_escalates_at',
  'review_item_deadline_notify',
  'review_items_deadline_notify',
  'open_review_subjects',
  'review_timeliness',
] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
export const PUBLISHED = ['open_review_subjects', 'review_timeliness'] as const;
