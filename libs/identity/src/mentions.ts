import { normaliseDisplayName } from './tokens';

export { normaliseDisplayName };

/** At most this many `@`s in one text are read: a post that names more people than that is not mentioning them. */
export const MENTIONS_MAX = 20;

/** What a display name may hold after its first character (see the display-name field): letters, digits, spaces, brackets, `_ . ' -`. */
const NAME_CHARACTER = /[\p{L}\p{N} _.'()-]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NAME_MAX = 40;

/**
 * The names each `@` in some text may stand for, normalised, longest first. The `@` starts a word
 * (an email address is not a mention) and a name ends where a word ends: "@Sam Jones, hello" may
 * name "sam jones" or "sam", and the caller takes the longest that is someone. Names are 2 to 40
 * characters, as display names are.
 */
export function mentionCandidates(text: string): string[][] {
  const out: string[][] = [];
  for (const match of text.matchAll(/(?:^|[^\p{L}\p{N}_@])@(?=[\p{L}\p{N}])/gu)) {
    const start = match.index + match[0].length;
    const run: string[] = [];
    for (const character of text.slice(start)) {
      if (run.length >= NAME_MAX || !NAME_CHARACTER.test(character)) break;
      run.push(character);
    }
    const after = Array.from(text.slice(start)).slice(run.length)[0];
    const names: string[] = [];
    for (let length = run.length; length >= 2; length -= 1) {
      const next = length < run.length ? run[length]! : after;
      // A name ends at the end of a word: "@Samantha" does not name "Sam".
      if (next !== undefined && LETTER_OR_DIGIT.test(next) && LETTER_OR_DIGIT.test(run[length - 1]!)) continue;
      if (run[length - 1] === ' ') continue;
      const name = normaliseDisplayName(run.slice(0, length).join(''));
      if (name.length >= 2 && !names.includes(name)) names.push(name);
    }
    if (names.length > 0) out.push(names);
    if (out.length >= MENTIONS_MAX) break;
  }
  return out;
}
