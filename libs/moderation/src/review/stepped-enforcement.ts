/**
 * Stepped enforcement (the agreement's "fair, stepped enforcement" clause): warn, then mute, then
 * ban. Pure, so the ladder is the same wherever a suggestion is shown.
 */

export type SanctionKind = 'warn' | 'mute' | 'ban';

/** One thing that happened to a member under one clause. */
export interface EnforcementRecord {
  clauseKey: string;
  action: 'removal' | SanctionKind;
}

/** A member's history under one clause, as reviewers see it. */
export interface ClauseHistory {
  clauseKey: string;
  /** Removals citing this clause. */
  count: number;
  /** The most severe sanction given under this clause so far. */
  lastSanction: SanctionKind | null;
}

const LADDER: SanctionKind[] = ['warn', 'mute', 'ban'];

function severity(kind: SanctionKind | null): number {
  return kind === null ? 0 : LADDER.indexOf(kind) + 1;
}

/** Per-clause counts, in clause order, for the queue. */
export function historyByClause(records: readonly EnforcementRecord[]): ClauseHistory[] {
  const byClause = new Map<string, ClauseHistory>();
  for (const record of records) {
    const entry = byClause.get(record.clauseKey) ?? { clauseKey: record.clauseKey, count: 0, lastSanction: null };
    if (record.action === 'removal') entry.count += 1;
    else if (severity(record.action) > severity(entry.lastSanction)) entry.lastSanction = record.action;
    byClause.set(record.clauseKey, entry);
  }
  return [...byClause.values()].sort((a, b) => a.clauseKey.localeCompare(b.clauseKey));
}

/**
 * The next step for a member whose words are up for review again. A first problem is a removal
 * with an explanation (null: no sanction); after that each step follows the most severe sanction
 * already given under the clauses concerned: none → warn → mute → ban. With no clause cited yet,
 * the whole history counts.
 */
export function suggestSanction(history: readonly ClauseHistory[], clauseKeys: readonly string[] = []): SanctionKind | null {
  const relevant = clauseKeys.length > 0 ? history.filter((h) => clauseKeys.includes(h.clauseKey)) : history;
  const removals = relevant.reduce((sum, h) => sum + h.count, 0);
  const worst = relevant.reduce((max, h) => Math.max(max, severity(h.lastSanction)), 0);
  if (removals === 0 && worst === 0) return null;
  return LADDER[Math.min(worst, LADDER.length - 1)]!;
}
