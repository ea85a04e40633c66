import unhomoglyph from 'unhomoglyph';
import type { Span } from './screening.types';
import { allMatches } from './regex-iteration';

/**
 * Text prepared for screening, in two views, each with a map back to `original`:
 * - `plain` (with `map`): compatibility-folded (NFKC forms), case-folded, accents, invisibles and confusables removed,
 *   every script's digits as ASCII digits. Numbers and punctuation intact: for personal data and links.
 * - `text` (with `textMap`): `plain` with leetspeak folded inside words (k1ll → kill), separators between letters
 *   turned into spaces (kill-myself → kill myself) and spaced-out letters joined (k i l l → kill): for rules, crisis
 *   and medical advice.
 * `map[i]` is the index in `original` of the character that produced `plain[i]`; `textMap[i]` likewise for `text[i]`.
 */
export interface NormalisedText {
  original: string;
  plain: string;
  text: string;
  map: number[];
  textMap: number[];
}

// Format characters (zero-width spaces/joiners, soft hyphen, bidi controls, BOM) plus blank "letters" used to hide words.
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/u;
const MARKS = /\p{M}/gu;
const DECIMAL_DIGIT = /\p{Nd}/u;
const ASCII_LETTER = /^[a-z]$/;

// Look-alikes decided here rather than by the confusables table: where the table's prototype is the wrong letter for
// prose (it maps Greek capital iota to "l", we want "i") or is not ASCII. Keys are lower case.
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
  // Ideographic full stop, which NFKC leaves alone
  '\u3002': '.',
};

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LEET_TOKEN = /[\p{L}\p{N}@$]+/gu;
const LETTER = /\p{L}/u;
const LEET_CHAR = /[013457@$]/g;

/** Folded form of each non-ASCII code point seen so far (bounded, so hostile input cannot grow it without limit). */
const FOLD_CACHE = new Map<string, string>();
const FOLD_CACHE_LIMIT = 20_000;

/** The value of a decimal digit of any script: digits come in runs of ten, 0 to 9, in Unicode. */
function digitValue(ch: string): string {
  let cp = ch.codePointAt(0) as number;
  let steps = 0;
  while (steps < 9 && DECIMAL_DIGIT.test(String.fromCodePoint(cp - 1))) {
    cp--;
    steps++;
  }
  // Adjacent runs of ten (the mathematical digits) are told apart by position within the run.
  let start = cp;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String(((ch.codePointAt(0) as number) - start) % 10);
}

/** One letter from the Unicode confusables table (UTS #39, via unhomoglyph), when it maps to an ASCII letter. */
function confusable(c: string): string {
  const mapped = CONFUSABLES[c];
  if (mapped !== undefined) return mapped;
  if (c.length === 1 && c.charCodeAt(0) < 0x80) return c;
  const skeleton = unhomoglyph(c).toLowerCase();
  return ASCII_LETTER.test(skeleton) ? skeleton : c;
}

function foldSlow(ch: string): string {
  if (INVISIBLE.test(ch)) return '';
  if (DECIMAL_DIGIT.test(ch)) {
    const nfkd = ch.normalize('NFKD');
    return /^[0-9]$/.test(nfkd) ? nfkd : digitValue(ch);
  }
  // NFKD then dropping marks gives NFKC's compatibility folding (full-width, ligatures, mathematical letters)
  // and also strips accents.
  const decomposed = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
  let out = '';
  for (const c of decomposed) {
    if (INVISIBLE.test(c)) continue;
    out += confusable(c);
  }
  return out;
}

function foldCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x80) return cp === 0x60 ? "'" : ch.toLowerCase();
  const cached = FOLD_CACHE.get(ch);
  if (cached !== undefined) return cached;
  const folded = foldSlow(ch);
  if (FOLD_CACHE.size < FOLD_CACHE_LIMIT) FOLD_CACHE.set(ch, folded);
  return folded;
}

/** Leetspeak is folded only inside tokens that contain a letter, so "k1ll" becomes "kill" but "15" and "5.8" stay numbers. */
function foldLeet(plain: string): string {
  return plain.replace(LEET_TOKEN, (token) => (LETTER.test(token) ? token.replace(LEET_CHAR, (c) => LEET[c] as string) : token));
}

// A separator between two letters ("kill-myself", "kill_myself", "k.i.l.l") reads as a space.
const BETWEEN_LETTERS = /(?<=\p{L})[-_.*~+/\\·•](?=\p{L})/gu;
// Three or more single letters (or leet digits) spaced out: "k i l l", "d . i . e", "k 1 l l".
// Each letter must stand alone, checked as the run grows, so a failed run never backtracks over what it read.
const SPACED_LETTERS = /(?<![\p{L}\p{N}'@$])[\p{L}013457@$](?![\p{L}\p{N}'@$])(?:[ .\-_*~+/·•]{1,3}[\p{L}013457@$](?![\p{L}\p{N}'@$])){2,}/gu;
const SPACED_SEPARATOR = /[ .\-_*~+/·•]/u;

function buildText(plain: string, map: number[]): { text: string; textMap: number[] } {
  let folded = foldLeet(plain);
  if (folded.includes('-') || folded.includes('_') || folded.includes('.') || /[*~+/\\·•]/.test(folded)) folded = folded.replace(BETWEEN_LETTERS, ' ');
  let text = '';
  let textMap: number[] | null = null;
  let at = 0;
  for (const m of allMatches(SPACED_LETTERS, folded)) {
    const run = m[0];
    let letters = 0;
    for (const c of run) if (LETTER.test(c)) letters++;
    if (letters < 2) continue;
    const start = m.index ?? 0;
    textMap ??= [];
    text += folded.slice(at, start);
    for (let i = at; i < start; i++) textMap.push(map[i] as number);
    for (let i = 0; i < run.length; i++) {
      const c = run[i] as string;
      if (SPACED_SEPARATOR.test(c)) continue;
      text += LEET[c] ?? c;
      textMap.push(map[start + i] as number);
    }
    at = start + run.length;
  }
  if (textMap === null) return { text: folded, textMap: map };
  text += folded.slice(at);
  for (let i = at; i < folded.length; i++) textMap.push(map[i] as number);
  return { text, textMap };
}

// Printable ASCII plus tab and line breaks: nothing to fold but case.
const PLAIN_ASCII = /^[\t\n\r\x20-\x5f\x61-\x7e]*$/;

export function normalise(original: string): NormalisedText {
  let plain: string;
  let map: number[];
  if (PLAIN_ASCII.test(original)) {
    // The common case: one character in, one out, so the map is the identity.
    plain = original.toLowerCase();
    map = new Array<number>(original.length);
    for (let i = 0; i < original.length; i++) map[i] = i;
  } else {
    plain = '';
    map = [];
    let index = 0;
    for (const ch of original) {
      const folded = foldCodePoint(ch);
      for (let k = 0; k < folded.length; k++) map.push(index);
      plain += folded;
      index += ch.length;
    }
  }
  const { text, textMap } = buildText(plain, map);
  return { original, plain, text, map, textMap };
}

/** Maps a span of `plain` (or of `text`, with view 'text') back to the original text; `end` is exclusive. */
export function toOriginalSpan(n: NormalisedText, start: number, end: number, view: 'plain' | 'text' = 'plain'): Span {
  const map = view === 'text' ? n.textMap : n.map;
  if (end <= start || start >= map.length) return { start: 0, end: 0 };
  const first = map[start] as number;
  const last = map[Math.min(end, map.length) - 1] as number;
  const lastCp = n.original.codePointAt(last) as number;
  return { start: first, end: last + (lastCp > 0xffff ? 2 : 1) };
}

// ---------------------------------------------------------------- numbers, however they are written

/** One digit, or a group of them, as written: "07700", "O77OO", "seven", "double oh". */
interface NumberUnit {
  digits: string;
  /** Span in `plain`, end exclusive. */
  start: number;
  end: number;
}

/** Digit groups that belong together because only separators (spaces, dots, dashes, brackets, emoji…) come between them. */
export interface NumberRun {
  /** Every digit of the run, in order. */
  digits: string;
  /** Digits written as a group, with their place in `digits` and their span in `plain`. */
  groups: Array<{ from: number; to: number; start: number; end: number }>;
}

const SPELLED: Record<string, string> = {
  zero: '0',
  nought: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const REPEAT: Record<string, number> = { double: 2, treble: 3, triple: 3 };
// Digits and letters standing for digits (o → 0, l/i → 1) in a group that has at least one real digit, or a spelled digit.
// Checked in code for a real digit: a pattern that demanded one could backtrack quadratically on a long "o5o5o5…x".
const UNIT = /(?<![\p{L}\p{N}])(?:[0-9oli]+|zero|nought|oh|one|two|three|four|five|six|seven|eight|nine|double|treble|triple)(?![\p{L}\p{N}])/gu;
const UNIT_WITH_BAR = /(?<![\p{L}\p{N}|])(?:[0-9oli|]+|zero|nought|oh|one|two|three|four|five|six|seven|eight|nine|double|treble|triple)(?![\p{L}\p{N}|])/gu;
const HAS_DIGIT = /[0-9]/;
const ALPHANUMERIC = /[\p{L}\p{N}]/u;
// Dates and clock times are numbers too, but never part of a phone or NHS number: "07/03/2025 1:30".
const DATE_OR_TIME =
  /(?<![\p{N}])(?:(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*[ap]\.?m\b)?|(?:1[0-2]|0?[1-9])\s*[ap]\.?m\b)(?![\p{N}])/gu;
const LOOKALIKE: Record<string, string> = { o: '0', l: '1', i: '1', '|': '1' };

function units(plain: string, pattern: RegExp): NumberUnit[][] {
  const blocked: Array<[number, number]> = [];
  for (const m of allMatches(DATE_OR_TIME, plain)) blocked.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  const runs: NumberUnit[][] = [];
  let run: NumberUnit[] = [];
  let lastEnd = -1;
  let b = 0;
  let pendingRepeat = 1;
  for (const m of allMatches(pattern, plain)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const word = m[0];
    let brokenByBlock = false;
    while (b < blocked.length && (blocked[b] as [number, number])[1] <= start) {
      if ((blocked[b] as [number, number])[0] >= lastEnd) brokenByBlock = true;
      b++;
    }
    const insideBlock = b < blocked.length && (blocked[b] as [number, number])[0] < end;
    const joined = lastEnd >= 0 && !brokenByBlock && !ALPHANUMERIC.test(plain.slice(lastEnd, start));
    if (!joined || insideBlock) {
      if (run.length) runs.push(run);
      run = [];
      pendingRepeat = 1;
    }
    lastEnd = end;
    if (insideBlock) {
      lastEnd = -1;
      continue;
    }
    const spelled = SPELLED[word];
    const repeat = REPEAT[word];
    if (spelled === undefined && repeat === undefined && !HAS_DIGIT.test(word)) {
      // "oil", "lol": letters only, so not a number and the end of any run.
      if (run.length) runs.push(run);
      run = [];
      pendingRepeat = 1;
      lastEnd = -1;
      continue;
    }
    if (repeat !== undefined) {
      pendingRepeat = repeat;
      run.push({ digits: '', start, end });
      continue;
    }
    const digits = spelled ?? word.replace(/[oli|]/g, (c) => LOOKALIKE[c] as string);
    run.push({ digits: digits.repeat(pendingRepeat), start, end });
    pendingRepeat = 1;
  }
  if (run.length) runs.push(run);
  return runs;
}

function toRun(unitsOfRun: NumberUnit[], plain: string): NumberRun | null {
  // "oh" and "o" are only zero next to other digits, and a run needs a real or spelled digit that is not just "oh".
  const real = unitsOfRun.filter((u) => u.digits !== '' && !/^(?:oh|o)$/.test(plain.slice(u.start, u.end)));
  if (real.length === 0) return null;
  let digits = '';
  const groups: NumberRun['groups'] = [];
  for (const u of unitsOfRun) {
    if (u.digits === '') continue;
    groups.push({ from: digits.length, to: digits.length + u.digits.length, start: u.start, end: u.end });
    digits += u.digits;
  }
  // A "double" or "triple" opens the group it repeats, so the span starts there.
  for (let i = 0, g = 0; i < unitsOfRun.length; i++) {
    const u = unitsOfRun[i] as NumberUnit;
    if (u.digits !== '') {
      g++;
      continue;
    }
    const next = groups[g];
    if (next) next.start = Math.min(next.start, u.start);
  }
  return { digits, groups };
}

/**
 * Every run of digits in `plain`, with letters standing for digits (O77OO), spelled-out digits ("seven seven",
 * "double oh") and any separators between groups folded away. Dates and times break runs.
 */
export function numberRuns(n: NormalisedText): NumberRun[] {
  const out: NumberRun[] = [];
  const passes = n.plain.includes('|') ? [UNIT, UNIT_WITH_BAR] : [UNIT];
  for (const pattern of passes) {
    for (const r of units(n.plain, pattern)) {
      const run = toRun(r, n.plain);
      if (run) out.push(run);
    }
  }
  return out;
}
