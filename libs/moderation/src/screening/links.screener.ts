import type { NormalisedText } from './normalise';
import { findGuarded, summarise, type GuardedPattern } from './pattern-match';
import { CLAUSE, type ScreenVerdict } from './screening.types';

export interface LinkContext {
  /** A member whose posts no longer need checking (see moderation-mode.ts). */
  authorTrusted: boolean;
}

// Endings that are real domains but rarely typos in prose, so "kidneycareuk.org" is a link on its own.
// Units (ml, cc) and English words are left out: "5.ml" is a dose, not an address.
const STRONG_TLDS = 'com|org|net|uk|io|gov|edu|info|biz|eu|de|fr|nl|ru|cn|ca|au|nz|ie|ly|gl|gd|xyz|tk|ga|cf|gq|ws|tv|ai|dev|app|ch|pl|pt|se|dk|fi|jp|kr|br|za';
// Endings that are also English words or typos ("ok.so", "see.me", "e.coli"): only a link when a path follows, as in "t.me/x".
const WEAK_TLDS =
  'co|me|to|be|us|it|in|is|am|at|my|so|do|go|im|sh|fm|gg|link|click|top|site|shop|store|online|live|life|health|care|news|page|blog|club|fun|one|world|help|support|website|space';

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
// A trailing full stop or bracket ends the sentence, not the address.
const TAIL = '[^\\s<>"\'.,!?;:)]';
const PATH = `[/?#](?:[^\\s<>"']*${TAIL})?`;
const NOT_INSIDE = '(?<![\\p{L}\\p{N}@._%+-])';

const PATTERNS: GuardedPattern[] = [
  { label: 'web address', pattern: new RegExp(`\\b(?:https?|ftp)://[^\\s<>"']*${TAIL}`, 'gu') },
  { label: 'web address', pattern: new RegExp(`\\bwww\\d?\\.[\\p{L}\\p{N}-]+\\.[^\\s<>"']*${TAIL}`, 'gu') },
  {
    label: 'web address',
    pattern: new RegExp(`${NOT_INSIDE}(?:${LABEL}\\.)+(?:${STRONG_TLDS})(?![\\p{L}\\p{N}-])(?::\\d+)?(?:${PATH})?`, 'gu'),
  },
  {
    label: 'web address',
    pattern: new RegExp(`${NOT_INSIDE}(?:${LABEL}\\.)+(?:${WEAK_TLDS})(?::\\d+)?${PATH}`, 'gu'),
  },
  // Spelled-out addresses written to slip past a filter: "example dot com", "example (dot) co (dot) uk".
  {
    label: 'web address',
    pattern: /(?<![\p{L}\p{N}-])[\p{L}\p{N}-]{2,}\s*(?:\(dot\)|\[dot\]|\s+dot\s+)\s*(?:com|org|net|io|uk|co\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*uk)\b/gu,
  },
];

export function screenLinks(n: NormalisedText, ctx: LinkContext): ScreenVerdict[] {
  if (ctx.authorTrusted) return [];
  const matches = findGuarded(n, 'plain', PATTERNS);
  if (matches.length === 0) return [];
  return [
    {
      action: 'hold',
      source: 'link',
      clauseKey: CLAUSE.noSellingOrRecruiting,
      detail: 'link from a member not yet trusted',
      spans: summarise(matches).spans,
    },
  ];
}
