/**
 * What this context owns in PostgreSQL. Only its own code names these in SQL; another context
 * asks this one's exported services, or reads what PUBLISHED lists (`npm run boundaries` checks).
 */
export const TABLES = ['users', 'sessions', 'consent_records', 'account_tokens', 'second_factors', 'recovery_codes', 'display_names'] as const;

/** Views and SQL functions other contexts may read: this context's contract, kept stable. */
export const PUBLISHED = ['display_names'] as const;
