import type { Span } from './screening.types';

/**
 * Text prepared for screening. `plain` and `text` have the same length and share `map`:
 * `map[i]` is the index in `original` of the character that produced `plain[i]` and `text[i]`.
 */
export interface NormalisedText {
  original: string;
  /** Compatibility-folded, case-folded, accents, invisibles and confusables removed. Digits intact: for personal data and links. */
  plain: string;
  /** `plain` with leetspeak folded inside words (k1ll → kill): for rules, crisis and medical advice. */
  text: string;
  map: number[];
}

// Format characters (zero-width spaces/joiners, soft hyphen, bidi controls, BOM) plus blank "letters" used to hide words.
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/u;
const MARKS = /\p{M}/gu;

// Look-alikes that Unicode normalisation leaves alone. Keys are lower case.
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ѵ: 'v',
  ү: 'y',
  ɡ: 'g',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ς: 's',
  // Latin letters without a decomposition
  ı: 'i',
  ɩ: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ŧ: 't',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ð: 'd',
  þ: 'th',
  // Punctuation variants, so patterns can use plain ASCII
  '\u2018': "'",
  '\u2019': "'",
  '\u201B': "'",
  '\u02BC': "'",
  '\u2032': "'",
  '\u00B4': "'",
  '`': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2044': '/',
};

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_TOKEN = /[\p{L}\p{N}@$]+/gu;
const LETTER = /\p{L}/u;

function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x80) {
    const lower = ch.toLowerCase();
    return CONFUSABLES[lower] ?? lower;
  }
  if (INVISIBLE.test(ch)) return '';
  // NFKD then dropping marks gives NFKC's compatibility folding (full-width, ligatures) and also strips accents.
  const decomposed = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
  let out = '';
  for (const c of decomposed) {
    if (INVISIBLE.test(c)) continue;
    out += CONFUSABLES[c] ?? c;
  }
  return out;
}

/** Leetspeak is folded only inside tokens that contain a letter, so "k1ll" becomes "kill" but "15" and "5.8" stay numbers. */
function foldLeet(plain: string): string {
  return plain.replace(LEET_TOKEN, (token) => (LETTER.test(token) ? token.replace(/[013457@$]/g, (c) => LEET[c] as string) : token));
}

export function normalise(original: string): NormalisedText {
  let plain = '';
  const map: number[] = [];
  let index = 0;
  for (const ch of original) {
    const folded = foldCodePoint(ch);
    for (let k = 0; k < folded.length; k++) map.push(index);
    plain += folded;
    index += ch.length;
  }
  return { original, plain, text: foldLeet(plain), map };
}

/** Maps a span of `plain`/`text` (end exclusive) back to the original text. */
export function toOriginalSpan(n: NormalisedText, start: number, end: number): Span {
  if (end <= start || start >= n.map.length) return { start: 0, end: 0 };
  const first = n.map[start] as number;
  const last = n.map[Math.min(end, n.map.length) - 1] as number;
  const lastCp = n.original.codePointAt(last) as number;
  return { start: first, end: last + (lastCp > 0xffff ? 2 : 1) };
}
