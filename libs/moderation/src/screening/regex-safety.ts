export type RegexSafety = { ok: true } | { ok: false; reason: string };

export const MAX_REGEX_LENGTH = 200;

interface Frame {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

type Atom = { kind: 'group'; frame: Frame } | { kind: 'char'; text: string };

const refuse = (reason: string): RegexSafety => ({ ok: false, reason });

// Atoms that match almost anything, so two of them repeated in a row can split a text in many ways.
const isWildcard = (text: string): boolean => text === '.' || text === '\\S' || text === '\\W' || text === '\\D' || text.startsWith('[^');

function overlaps(a: string, b: string): boolean {
  if (a === b || isWildcard(a) || isWildcard(b)) return true;
  const word = new Set(['\\w', '\\d']);
  return word.has(a) && word.has(b);
}

/**
 * Refuses, when a rule is saved, regular expressions that can backtrack catastrophically or that we cannot reason about.
 * Deliberately conservative: a refused pattern can almost always be rewritten as a word or phrase rule.
 */
export function checkRegexSafety(pattern: string): RegexSafety {
  if (pattern.trim() === '') return refuse('The pattern is empty.');
  if (pattern.length > MAX_REGEX_LENGTH) {
    return refuse(`The pattern is longer than ${MAX_REGEX_LENGTH} characters. Split it into several shorter rules.`);
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'iu');
  } catch {
    return refuse('The pattern is not a valid regular expression. Check for unbalanced brackets or a stray backslash.');
  }
  const structure = scan(pattern);
  if (!structure.ok) return structure;
  if (compiled.test('')) return refuse('The pattern matches empty text, so it would match every post.');
  return { ok: true };
}

function scan(pattern: string): RegexSafety {
  const stack: Frame[] = [{ hasQuantifier: false, hasAlternation: false }];
  let last: Atom | null = null;
  // The atom repeated without bound just before the current one, if nothing came between them.
  let previousRepeated: string | null = null;
  let lastWasRepeated = false;
  let wildcardRepeats = 0;

  const setAtom = (atom: Atom): void => {
    previousRepeated = lastWasRepeated && last?.kind === 'char' ? last.text : null;
    lastWasRepeated = false;
    last = atom;
  };

  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const frame = stack[stack.length - 1] as Frame;

    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) {
        return refuse('Back-references such as \\1 are not allowed: they can make screening very slow.');
      }
      let end = i + 2;
      if (/[pPu]/.test(next) && pattern[i + 2] === '{') end = pattern.indexOf('}', i) + 1;
      setAtom({ kind: 'char', text: pattern.slice(i, end) });
      i = end - 1;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      setAtom({ kind: 'char', text: pattern.slice(i, j + 1) });
      i = j;
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) {
        return refuse('Look-behind, (?<= or (?<!, is not allowed. Use a word or phrase rule instead.');
      }
      if (pattern.startsWith('(?<', i)) i = pattern.indexOf('>', i);
      else if (pattern.startsWith('(?', i)) i += 2;
      stack.push({ hasQuantifier: false, hasAlternation: false });
      last = null;
      previousRepeated = null;
      lastWasRepeated = false;
      continue;
    }
    if (c === ')') {
      const closed = stack.pop() as Frame;
      const parent = stack[stack.length - 1] as Frame;
      parent.hasQuantifier ||= closed.hasQuantifier;
      parent.hasAlternation ||= closed.hasAlternation;
      setAtom({ kind: 'group', frame: closed });
      continue;
    }
    if (c === '|') {
      frame.hasAlternation = true;
      last = null;
      previousRepeated = null;
      lastWasRepeated = false;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier) {
      i = quantifier.end - 1;
      if (pattern[i + 1] === '?') i++; // lazy marker
      frame.hasQuantifier = true;
      const atom = last as Atom | null;
      if (!quantifier.repeats || !atom) continue;
      if (atom.kind === 'group' && atom.frame.hasQuantifier) {
        return refuse('The pattern repeats something that already repeats, such as (a+)+. This can freeze screening on some posts.');
      }
      if (atom.kind === 'group' && atom.frame.hasAlternation) {
        return refuse(
          'The pattern repeats a group of alternatives, such as (a|ab)*. This can freeze screening on some posts; list the alternatives as separate rules.',
        );
      }
      if (atom.kind === 'char' && quantifier.variable) {
        if (previousRepeated !== null && overlaps(previousRepeated, atom.text)) {
          return refuse('The pattern repeats two similar things in a row, such as \\s*\\s* or .*.*, which can make screening very slow.');
        }
        if (quantifier.unbounded && isWildcard(atom.text) && ++wildcardRepeats > 1) {
          return refuse('The pattern uses more than one open-ended wildcard such as .* or .+; use at most one.');
        }
        lastWasRepeated = true;
      }
      continue;
    }
    if (c === '^' || c === '$') {
      last = null;
      previousRepeated = null;
      lastWasRepeated = false;
      continue;
    }
    setAtom({ kind: 'char', text: c });
  }
  return { ok: true };
}

interface Quantifier {
  end: number;
  /** Can match its atom more than once. */
  repeats: boolean;
  /** The number of repetitions is open to choice, so the engine may try several. */
  variable: boolean;
  /** No upper bound. */
  unbounded: boolean;
}

function readQuantifier(pattern: string, i: number): Quantifier | null {
  const c = pattern[i];
  if (c === '*' || c === '+') return { end: i + 1, repeats: true, variable: true, unbounded: true };
  if (c === '?') return { end: i + 1, repeats: false, variable: true, unbounded: false };
  if (c !== '{') return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { end: i + m[0].length, repeats: max > 1, variable: max > min, unbounded: max === Infinity };
}
