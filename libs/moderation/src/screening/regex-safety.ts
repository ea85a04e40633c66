import { RE2JS, RE2JSException } from 're2js';

export type RegexSafety = { ok: true } | { ok: false; reason: string };

export const MAX_REGEX_LENGTH = 200;
/**
 * RE2's own measure of a compiled pattern's size. Matching costs at most (text length × program size), so the cap
 * bounds the constant of the linear time; ordinary rules are under 100.
 */
export const MAX_PROGRAM_SIZE = 2_000;

const refuse = (reason: string): RegexSafety => ({ ok: false, reason });

/**
 * Compiles a watched-word regex for the linear-time engine (RE2, via re2js), case-insensitive.
 * Throws RE2JSException when RE2 cannot express the pattern.
 */
export function compileRegexRule(pattern: string): RE2JS {
  return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
}

/** Why RE2 refused a pattern, in words an admin can act on. */
function explain(pattern: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/\\[1-9]|\\k</.test(pattern) || /invalid escape sequence: `\\[1-9k]/.test(message)) {
    return 'Back-references such as \\1 are not supported: screening runs on a linear-time engine that cannot express them. Use a word or phrase rule instead.';
  }
  if (/\(\?<?[=!]/.test(pattern)) {
    return 'Look-ahead and look-behind, such as (?=…), (?!…), (?<=…) or (?<!…), are not supported: screening runs on a linear-time engine that cannot express them. Use \\b for word edges, or a word or phrase rule.';
  }
  if (/invalid repeat count/.test(message)) return 'A repeat count is too large: {n} and {n,m} may go up to 1000, and not nested so that they multiply.';
  if (/expression too large|too large/i.test(message)) return 'The pattern is too large to run quickly. Split it into several shorter rules.';
  return 'The pattern is not a valid regular expression. Check for unbalanced brackets or a stray backslash.';
}

/**
 * Decides, when a rule is saved and again when rules are compiled, whether a regex can run. Every accepted pattern runs
 * on RE2, whose time is linear in the text whatever the pattern, so nested repeats such as (a+)+ are fine; what RE2
 * cannot express (back-references, look-around) is refused, as are patterns that match empty text or are too large.
 */
export function checkRegexSafety(pattern: string): RegexSafety {
  if (pattern.trim() === '') return refuse('The pattern is empty.');
  if (pattern.length > MAX_REGEX_LENGTH) {
    return refuse(`The pattern is longer than ${MAX_REGEX_LENGTH} characters. Split it into several shorter rules.`);
  }
  let compiled: RE2JS;
  try {
    compiled = compileRegexRule(pattern);
  } catch (error) {
    if (error instanceof RE2JSException || error instanceof Error) return refuse(explain(pattern, error));
    throw error;
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    return refuse('The pattern is too large to run quickly (large repeat counts multiply). Split it into several shorter rules.');
  }
  if (compiled.test('')) return refuse('The pattern matches empty text, so it would match every post.');
  return { ok: true };
}
