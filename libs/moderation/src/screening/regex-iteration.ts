/**
 * Every match of a global regex, like String#matchAll but on the regex itself: matchAll clones its regex on each call,
 * which on the hot path cost more than the matching. The regex's lastIndex is reset before and after; nothing may use
 * the same regex inside the loop.
 */
export function* allMatches(regex: RegExp, text: string): Generator<RegExpExecArray> {
  regex.lastIndex = 0;
  try {
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].length === 0) regex.lastIndex++;
      yield m;
    }
  } finally {
    regex.lastIndex = 0;
  }
}
