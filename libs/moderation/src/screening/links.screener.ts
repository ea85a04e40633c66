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
// A dot written so that a filter does not see one; every form has brackets, so prose never reads this way.
const DEFANGED_DOT = '\\s*(?:\\[\\s*(?:\\.|dot)\\s*\\]|\\(\\s*(?:\\.|dot)\\s*\\)|\\{\\s*(?:\\.|dot)\\s*\\}|<\\s*(?:\\.|dot)\\s*>)\\s*';
// A dot spoken or spaced out: "example dot com", "example . com". Only before the commonest endings, to spare prose.
const SPOKEN_DOT = '(?:\\s+dot\\s+|\\s+\\.\\s+)';

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
  // Any other ending of letters, when a path follows: "forms.gle/abc", "lnkd.in/x". Units never have letters after "/".
  {
    when: /\.[a-z]{2,6}\/[a-z0-9]/,
    label: 'web address',
    pattern: new RegExp(`${NOT_INSIDE}(?:${LABEL}\\.)*\\p{L}[\\p{L}\\p{N}-]+\\.\\p{L}{2,6}\\/[\\p{L}\\p{N}_-](?:[^\\s<>"']*${TAIL})?`, 'gu'),
  },
  // Defanged schemes, as in security advisories and spam: "hxxps://evil[.]com", "h**p://", "hxxp[:]//".
  {
    when: /\/\//,
    label: 'web address',
    pattern: new RegExp(`\\bh(?:xx|\\*\\*|x\\*|\\*x|\\[tt\\]|tx|xt)ps?\\s*(?:\\[:\\]|\\(:\\)|:)\\s*(?:\\[//\\]|//)[^\\s<>"']*${TAIL}`, 'gu'),
  },
  // Defanged and spelled-out dots: "evil[.]com", "example (dot) co (dot) uk", "example dot com", "www . example . org".
  {
    when: /[[({<]\s*(?:\.|dot)\s*[\])}>]/,
    label: 'web address',
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}-])(?:${LABEL}(?:${DEFANGED_DOT}|\\.))*${LABEL}${DEFANGED_DOT}(?:${LABEL}\\.)*(?:${STRONG_TLDS})(?![\\p{L}\\p{N}-])(?:${PATH})?`,
      'gu',
    ),
    notAfter: /\b(?:the|a|an|this|that|whole)\s+$/,
  },
  // ".com" and "org" are not English words, so a space or comma in place of the dot still reads as an address.
  {
    when: /[\s.,](?:com|org|io|co\.uk|org\.uk)\b/,
    label: 'web address',
    pattern: new RegExp(`(?<![\\p{L}\\p{N}@._%+-])${LABEL}(?:\\s+\\.|\\.\\s+|,)(?:com|org|io|co\\.uk|org\\.uk)(?![\\p{L}\\p{N}-])(?:${PATH})?`, 'gu'),
  },
];

// Spoken dots, also run on the letter view, where spaced-out letters are joined: "evil dot c o m".
const SPOKEN: GuardedPattern[] = [
  {
    when: /\sdot\s|\s\.\s/,
    label: 'web address',
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}-])(?!(?:the|a|an|this|that|whole|dot)\\s)(?:${LABEL}${SPOKEN_DOT})+(?:com|org|net|co${SPOKEN_DOT}uk|org${SPOKEN_DOT}uk|uk|io|info|biz|xyz|ly)\\b`,
      'gu',
    ),
    notAfter: /\b(?:the|a|an|this|that|whole)\s+$/,
  },
];

export function screenLinks(n: NormalisedText, ctx: LinkContext): ScreenVerdict[] {
  if (ctx.authorTrusted) return [];
  const matches = [...findGuarded(n, 'plain', PATTERNS), ...findGuarded(n, 'plain', SPOKEN)];
  if (n.text !== n.plain) matches.push(...findGuarded(n, 'text', SPOKEN));
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
