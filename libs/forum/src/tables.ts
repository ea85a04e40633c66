/**
 * What this context owns in PostgreSQL. Only its repositories name these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = ['topics', 'posts', 'post_reactions', 'topic_reads', 'topics_follow_posts', 'post_activity'] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
export const PUBLISHED = ['post_activity'] as const;
