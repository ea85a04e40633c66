import { checkRegexSafety, compileRegexRule, MAX_PROGRAM_SIZE } from './regex-safety';

describe('checkRegexSafety', () => {
  it.each([
    ['a literal word', 'scam'],
    ['alternation at top level', 'buy|sell'],
    ['a character class repeated', '[a-z]+coin'],
    ['whitespace between words', 'buy\\s+now'],
    ['a non-repeating optional group', '(?:https?://)?example'],
    ['bounded repetition', 'a{2,4}b'],
    ['digits with optional separators', '07\\d{3}\\s?\\d{6}'],
    ['word boundaries', '\\bpromo\\b'],
    ['a named group', '(?<word>spam)'],
    ['a Unicode property escape', '\\p{L}+coin'],
    ['lazy quantifier', 'free.+?money'],
    ['escaped brackets', '\\(at\\)'],
    ['an anchored pattern', '^hello'],
    // Catastrophic for a backtracking engine, linear on RE2: accepted and run.
    ['the hostile rule from issue 13', '[a-z]+\\w+!'],
    ['nested plus', '(a+)+$'],
    ['nested star', '(a*)*b'],
    ['repeated overlapping alternatives', '(a|aa)+$'],
    ['word then optional space, repeated', '(\\w+\\s?)+$'],
    ['two wildcards', 'a.*b.*c'],
    ['a pattern of exactly 200 characters', 'a'.repeat(200)],
  ])('accepts %s: %s', (_label, pattern) => {
    expect(checkRegexSafety(pattern)).toEqual({ ok: true });
  });

  it.each([
    ['back-reference', '(a)\\1', /Back-references .* not supported/],
    ['named back-reference', '(?<x>a)\\k<x>', /Back-references .* not supported/],
    ['lookahead', 'buy(?=\\s)', /Look-ahead and look-behind/],
    ['negative lookahead', 'buy(?!ing)', /Look-ahead and look-behind/],
    ['positive lookbehind', '(?<=buy)now', /Look-ahead and look-behind/],
    ['negative lookbehind', '(?<!not )buy', /Look-ahead and look-behind/],
    ['a repeat count over 1000', 'x{1001}', /repeat count is too large/],
    ['nested repeat counts that multiply', '((a{30}){30}){30}', /too large|repeat count/],
    ['longer than 200 characters', 'a'.repeat(201), /longer than 200 characters/],
    ['unbalanced bracket', '(abc', /not a valid regular expression/],
    ['stray backslash', 'abc\\', /not a valid regular expression/],
    ['invalid quantifier', '*abc', /not a valid regular expression/],
    ['matches the empty string', 'a*', /matches empty text/],
    ['empty pattern', '', /empty/],
    ['blank pattern', '   ', /empty/],
  ])('refuses %s', (_label, pattern, reason) => {
    const result = checkRegexSafety(pattern);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(reason);
  });

  it('refuses what the engine cannot express with a reason an admin can act on', () => {
    expect(checkRegexSafety('(a)\\1')).toEqual({
      ok: false,
      reason:
        'Back-references such as \\1 are not supported: screening runs on a linear-time engine that cannot express them. Use a word or phrase rule instead.',
    });
  });

  it('keeps every accepted pattern under the program-size cap', () => {
    expect(compileRegexRule('(?:a{1,30}b{1,30}){1,30}').programSize()).toBeGreaterThan(MAX_PROGRAM_SIZE);
    expect(checkRegexSafety('(?:a{1,30}b{1,30}){1,30}').ok).toBe(false);
  });
});

describe('compileRegexRule', () => {
  it('matches case-insensitively', () => {
    expect(compileRegexRule('spam').test('SPAM here')).toBe(true);
  });

  it.each([
    ['[a-z]+\\w+!', 'a'],
    ['(a+)+$', 'a'],
    ['(a|aa)+$', 'a'],
    ['(\\w+\\s?)+$', 'ab '],
  ])('runs %s over 100,000 characters of %j…! without a match in well under a second', (pattern, unit) => {
    const regex = compileRegexRule(pattern);
    const text = `${unit.repeat(Math.ceil(100_000 / unit.length))}\u0001`;
    const started = performance.now();
    const matcher = regex.matcher(text);
    matcher.find();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
