import { mergeSpans } from './mask';
import { toOriginalSpan, type NormalisedText } from './normalise';
import { allMatches } from './regex-iteration';
import type { Span } from './screening.types';

/** A curated pattern with guards that look either side of a match, within the same clause. */
export interface GuardedPattern {
  label: string;
  pattern: RegExp;
  /** Tested against the clause text just before the match (anchored at its end by the pattern itself). */
  notAfter?: RegExp;
  /** Tested against the text just after the match (anchored at its start by the pattern itself). */
  notBefore?: RegExp;
  /**
   * A cheap test (a literal every match contains; no 'g' flag) run on the whole text first: when it fails the pattern
   * cannot match, and is skipped. Keeps the many rare patterns off the hot path.
   */
  when?: RegExp;
}

const CLAUSE_BREAK = /[,.!?;:\n]/g;
const WINDOW = 48;

function clauseBefore(text: string, start: number): string {
  const window = text.slice(Math.max(0, start - WINDOW), start);
  let cut = 0;
  for (const m of allMatches(CLAUSE_BREAK, window)) cut = (m.index ?? 0) + 1;
  return window.slice(cut);
}

export interface GuardedMatch {
  label: string;
  span: Span;
}

/** Runs each pattern over the `text` or `plain` view of `n` and keeps matches that pass their guards. */
export function findGuarded(n: NormalisedText, view: 'text' | 'plain', patterns: ReadonlyArray<GuardedPattern>): GuardedMatch[] {
  const haystack = view === 'text' ? n.text : n.plain;
  const found: GuardedMatch[] = [];
  for (const { label, pattern, notAfter, notBefore, when } of patterns) {
    if (when && !when.test(haystack)) continue;
    for (const m of allMatches(pattern, haystack)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (end === start) continue;
      if (notAfter?.test(clauseBefore(haystack, start))) continue;
      if (notBefore?.test(haystack.slice(end, end + WINDOW))) continue;
      found.push({ label, span: toOriginalSpan(n, start, end, view) });
    }
  }
  return found;
}

/** Unique labels in first-seen order, and spans sorted with overlaps merged. */
export function summarise(matches: ReadonlyArray<GuardedMatch>): { labels: string[]; spans: Span[] } {
  return { labels: [...new Set(matches.map((m) => m.label))], spans: mergeSpans(matches.map((m) => m.span)) };
}
