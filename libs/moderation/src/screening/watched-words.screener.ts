import { RE2JS, RE2Set } from 're2js';
import { AhoCorasick } from './aho-corasick';
import { normalise, toOriginalSpan, type NormalisedText } from './normalise';
import { checkRegexSafety, compileRegexRule } from './regex-safety';
import type { ScreenAction, ScreenVerdict, Span } from './screening.types';

export interface WatchedWordRule {
  id: string;
  pattern: string;
  match: 'word' | 'phrase' | 'regex';
  action: ScreenAction;
  clauseKey?: string | null;
}

const MAX_SPANS_PER_RULE = 50;

export interface CompiledRules {
  readonly rules: ReadonlyArray<WatchedWordRule>;
  /** One automaton for every word and phrase rule, keyed by index into `rules`. */
  readonly automaton: AhoCorasick;
  readonly regexes: ReadonlyArray<{ index: number; regex: RE2JS }>;
  /** Every regex rule in one RE2 set, position k being `regexes[k]`: one pass tells which rules can match at all. */
  readonly regexSet: RE2Set | null;
  /** Rules left out, e.g. a regex saved before the safety check existed. */
  readonly skipped: ReadonlyArray<{ id: string; reason: string }>;
}

/** Words as the matcher sees them: runs of letters and digits, joined by single spaces; apostrophes inside words dropped. */
interface Skeleton {
  text: string;
  /** Index in the normalised text of each skeleton character; -1 for the joining spaces. */
  map: number[];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const APOSTROPHE = "'";

function skeletonOf(text: string): Skeleton {
  let out = '';
  const map: number[] = [];
  let inWord = false;
  let i = 0;
  for (const ch of text) {
    const at = i;
    i += ch.length;
    if (WORD_CHAR.test(ch)) {
      if (!inWord && out.length > 0) {
        out += ' ';
        map.push(-1);
      }
      inWord = true;
      out += ch;
      for (let k = 0; k < ch.length; k++) map.push(at + k);
    } else if (ch === APOSTROPHE && inWord && WORD_CHAR.test(codePointAt(text, i))) {
      // "don't" is one word, so a rule for "dont" catches it and one for "don" does not.
      continue;
    } else {
      inWord = false;
    }
  }
  return { text: out, map };
}

function codePointAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** The form a word or phrase rule takes inside the automaton, or '' when it has no words. */
export function ruleKey(pattern: string): string {
  return skeletonOf(normalise(pattern).text).text;
}

export function compileRules(rules: ReadonlyArray<WatchedWordRule>): CompiledRules {
  const literal: Array<{ id: number; pattern: string }> = [];
  const regexes: Array<{ index: number; regex: RE2JS }> = [];
  const skipped: Array<{ id: string; reason: string }> = [];

  rules.forEach((rule, index) => {
    if (rule.match === 'regex') {
      const safety = checkRegexSafety(rule.pattern);
      if (!safety.ok) {
        skipped.push({ id: rule.id, reason: safety.reason });
        return;
      }
      // RE2 (re2js): time linear in the text for any pattern it accepts, so the whole text is scanned.
      regexes.push({ index, regex: compileRegexRule(rule.pattern) });
      return;
    }
    const key = ruleKey(rule.pattern);
    if (key === '') {
      skipped.push({ id: rule.id, reason: 'The pattern has no letters or digits to match.' });
      return;
    }
    literal.push({ id: index, pattern: key });
  });

  return { rules: [...rules], automaton: new AhoCorasick(literal), regexes, regexSet: regexSetOf(rules, regexes), skipped };
}

function regexSetOf(rules: ReadonlyArray<WatchedWordRule>, regexes: ReadonlyArray<{ index: number }>): RE2Set | null {
  if (regexes.length < 2) return null;
  try {
    const set = new RE2Set(RE2Set.UNANCHORED, RE2JS.CASE_INSENSITIVE);
    for (const { index } of regexes) set.add((rules[index] as WatchedWordRule).pattern);
    set.compile();
    return set;
  } catch {
    // Too large for one automaton: each rule is tested on its own instead, still in linear time.
    return null;
  }
}

/** Positions in `regexes` of the rules that match somewhere in `haystack`. */
function candidates(compiled: CompiledRules, haystack: string): Iterable<number> {
  if (compiled.regexSet) {
    try {
      return compiled.regexSet.match(haystack);
    } catch {
      // The set's automaton ran out of its memory budget: fall back to testing each rule.
    }
  }
  return compiled.regexes.keys();
}

export function screenWatchedWords(compiled: CompiledRules, n: NormalisedText): ScreenVerdict[] {
  const spansByRule = new Map<number, Span[]>();
  const add = (index: number, span: Span): void => {
    const spans = spansByRule.get(index) ?? [];
    if (spans.length < MAX_SPANS_PER_RULE && !spans.some((s) => s.start === span.start && s.end === span.end)) spans.push(span);
    spansByRule.set(index, spans);
  };

  const skeleton = skeletonOf(n.text);
  for (const match of compiled.automaton.search(skeleton.text)) {
    const before = match.start === 0 ? ' ' : skeleton.text[match.start - 1];
    const after = match.end === skeleton.text.length ? ' ' : skeleton.text[match.end];
    // Whole words only: "ass" must not fire inside "class".
    if (before !== ' ' || after !== ' ') continue;
    const start = skeleton.map[match.start] as number;
    const end = (skeleton.map[match.end - 1] as number) + 1;
    add(match.id, toOriginalSpan(n, start, end, 'text'));
  }

  // Regex rules run on both views, so a rule can target digits ("07\d{9}") or evaded words alike, over the whole text.
  const views = n.text === n.plain ? (['plain'] as const) : (['text', 'plain'] as const);
  for (const view of views) {
    const haystack = view === 'text' ? n.text : n.plain;
    for (const k of candidates(compiled, haystack)) {
      const { index, regex } = compiled.regexes[k] as { index: number; regex: RE2JS };
      // test() runs RE2's DFA without tracking positions: most posts match no rule and stop here.
      if (!compiled.regexSet && !regex.test(haystack)) continue;
      const matcher = regex.matcher(haystack);
      let count = 0;
      let from = 0;
      while (count < MAX_SPANS_PER_RULE && from <= haystack.length && matcher.find(from)) {
        const start = matcher.start();
        const end = matcher.end();
        // An empty match (possible only in part of a pattern) moves on one character, so the loop always ends.
        from = end > start ? end : end + 1;
        if (end === start) continue;
        add(index, toOriginalSpan(n, start, end, view));
        count++;
      }
    }
  }

  return [...spansByRule.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, spans]) => {
      const rule = compiled.rules[index] as WatchedWordRule;
      const verdict: ScreenVerdict = {
        action: rule.action,
        source: 'rule',
        detail: describeRule(rule),
        spans: spans.sort((a, b) => a.start - b.start),
        ruleId: rule.id,
      };
      if (rule.clauseKey) verdict.clauseKey = rule.clauseKey;
      return verdict;
    });
}

function describeRule(rule: WatchedWordRule): string {
  if (rule.match === 'regex') return `watched pattern /${rule.pattern}/`;
  return `watched ${rule.match} "${rule.pattern.trim()}"`;
}
