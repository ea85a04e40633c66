import { checkRegexSafety } from './regex-safety';

describe('checkRegexSafety', () => {
  it.each([
    ['a literal word', 'scam'],
    ['alternation at top level', 'buy|sell'],
    ['a character class repeated', '[a-z]+coin'],
    ['whitespace between words', 'buy\\s+now'],
    ['three separated quantifiers', 'buy\\s+cheap\\s+meds\\s+now'],
    ['a non-repeating optional group', '(?:https?://)?example'],
    ['a repeated group without quantifiers or alternatives', '(?:ab)+c'],
    ['an optional group containing a quantifier', '(?:\\s+now)?buy'],
    ['bounded repetition', 'a{2,4}b'],
    ['exact repetition of a group', '(?:ab){3}'],
    ['digits with optional separators', '07\\d{3}\\s?\\d{6}'],
    ['word boundaries', '\\bpromo\\b'],
    ['a lookahead', 'buy(?=\\s)'],
    ['a named group used once', '(?<word>spam)'],
    ['a Unicode property escape', '\\p{L}+coin'],
    ['one open-ended wildcard', 'free.*money'],
    ['lazy quantifier', 'free.+?money'],
    ['escaped brackets', '\\(at\\)'],
    ['a class containing a plus', '[+]44'],
    ['an anchored pattern', '^hello'],
  ])('accepts %s: %s', (_label, pattern) => {
    expect(checkRegexSafety(pattern)).toEqual({ ok: true });
  });

  it.each([
    ['nested plus', '(a+)+', /repeats something that already repeats/],
    ['nested star', '(a*)*', /repeats something that already repeats/],
    ['word then optional space, repeated', '(\\w+\\s?)*', /repeats something that already repeats/],
    ['nested with non-capturing group', '(?:x+y)+', /repeats something that already repeats/],
    ['nested with braces', '(a{1,3}){2,}', /repeats something that already repeats/],
    ['nested two levels deep', '((ab)+c)*', /repeats something that already repeats/],
    ['repeated identical alternatives', '(a|a)*', /group of alternatives/],
    ['repeated overlapping alternatives', '(a|ab)*', /group of alternatives/],
    ['repeated alternatives with plus', '(?:cat|category)+', /group of alternatives/],
    ['alternatives nested inside a repeated group', '((a|b)c)+', /group of alternatives/],
    ['back-reference', '(a)\\1', /Back-references/],
    ['named back-reference', '(?<x>a)\\k<x>', /Back-references/],
    ['positive lookbehind', '(?<=buy)now', /Look-behind/],
    ['negative lookbehind', '(?<!not )buy', /Look-behind/],
    ['longer than 200 characters', 'a'.repeat(201), /longer than 200 characters/],
    ['unbalanced bracket', '(abc', /not a valid regular expression/],
    ['stray backslash', 'abc\\', /not a valid regular expression/],
    ['invalid quantifier', '*abc', /not a valid regular expression/],
    ['matches the empty string', 'a*', /matches empty text/],
    ['empty pattern', '', /empty/],
    ['two wildcards', 'a.*b.*c', /more than one open-ended wildcard/],
    ['two similar repeats in a row', '\\s*\\s*x', /two similar things in a row/],
    ['two wildcard repeats in a row', 'x.+.+', /two similar things in a row/],
    ['word and digit repeats in a row', 'x\\w+\\d+', /two similar things in a row/],
  ])('refuses %s', (_label, pattern, reason) => {
    const result = checkRegexSafety(pattern);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(reason);
  });

  it('gives plain-language reasons an admin can act on', () => {
    const result = checkRegexSafety('(a+)+');
    expect(result).toEqual({
      ok: false,
      reason: 'The pattern repeats something that already repeats, such as (a+)+. This can freeze screening on some posts.',
    });
  });

  it('accepts a pattern of exactly 200 characters', () => {
    expect(checkRegexSafety('a'.repeat(200))).toEqual({ ok: true });
  });
});
