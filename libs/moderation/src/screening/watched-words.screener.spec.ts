import { maskSpans } from './mask';
import { normalise } from './normalise';
import { compileRules, ruleKey, screenWatchedWords, type WatchedWordRule } from './watched-words.screener';

const RULES: WatchedWordRule[] = [
  { id: 'r-buy-now', pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' },
  { id: 'r-scam', pattern: 'scam', match: 'word', action: 'flag', clauseKey: null },
  { id: 'r-idiot', pattern: 'idiot', match: 'word', action: 'mask', clauseKey: 'respect-and-no-discrimination' },
  { id: 'r-cash', pattern: 'c4sh', match: 'word', action: 'hold' },
  { id: 'r-ass', pattern: 'ass', match: 'word', action: 'mask' },
  { id: 'r-dont-give-up', pattern: "don't give up", match: 'phrase', action: 'flag' },
  { id: 'r-miracle', pattern: 'Miracle  Cure', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' },
  { id: 'r-promo', pattern: 'promo\\s*code\\s*\\w{4}', match: 'regex', action: 'block', clauseKey: 'no-selling-or-recruiting' },
  { id: 'r-whatsapp', pattern: 'whats\\s?app', match: 'regex', action: 'hold' },
  { id: 'r-digits', pattern: '\\b999\\d{3}\\b', match: 'regex', action: 'hold' },
];

const compiled = compileRules(RULES);
const matchedIds = (text: string): string[] => screenWatchedWords(compiled, normalise(text)).map((v) => v.ruleId as string);

describe('compileRules', () => {
  it('compiles every word and phrase rule into one automaton and every regex once', () => {
    expect(compiled.regexes).toHaveLength(3);
    expect(compiled.skipped).toEqual([]);
    expect(compiled.rules).toHaveLength(RULES.length);
  });

  it('leaves out unsafe regexes and patterns with no words, saying why', () => {
    const c = compileRules([
      { id: 'bad', pattern: '(a)\\1', match: 'regex', action: 'block' },
      { id: 'nested', pattern: '(a+)+$', match: 'regex', action: 'flag' },
      { id: 'empty', pattern: '!!!', match: 'word', action: 'block' },
      { id: 'good', pattern: 'spam', match: 'word', action: 'block' },
    ]);
    expect(c.skipped.map((s) => s.id)).toEqual(['bad', 'empty']);
    expect(c.skipped[0]?.reason).toMatch(/Back-references/);
    // Nested repeats are harmless on the linear-time engine, so that rule is kept and runs.
    expect(screenWatchedWords(c, normalise('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! spam')).map((v) => v.ruleId)).toEqual(['good']);
    expect(screenWatchedWords(c, normalise('spam aaaa')).map((v) => v.ruleId)).toEqual(['nested', 'good']);
  });

  it.each([
    ['Buy  NOW', 'buy now'],
    ["don't", 'dont'],
    ['ｓｃａｍ', 'scam'],
    ['c4sh', 'cash'],
    ['self-harm', 'self harm'],
    ['  ', ''],
  ])('normalises rule pattern %j to %j', (pattern, key) => {
    expect(ruleKey(pattern)).toBe(key);
  });
});

describe('screenWatchedWords', () => {
  it.each<[string, string, string[]]>([
    // true positives
    ['phrase', 'Buy now while stocks last', ['r-buy-now']],
    ['phrase in upper case', 'BUY NOW', ['r-buy-now']],
    ['phrase with several spaces', 'buy     now', ['r-buy-now']],
    ['phrase across a line break', 'buy\nnow', ['r-buy-now']],
    ['phrase with punctuation between words', 'buy... now!', ['r-buy-now']],
    ['phrase with a hyphen between words', 'buy-now', ['r-buy-now']],
    ['phrase with zero-width space inside a word', 'b\u200Buy now', ['r-buy-now']],
    ['phrase with soft hyphen inside a word', 'bu\u00ADy now', ['r-buy-now']],
    ['phrase in full-width letters', 'ｂｕｙ ｎｏｗ', ['r-buy-now']],
    ['phrase with Cyrillic у', 'buу now', ['r-buy-now']],
    ['phrase with Cyrillic о', 'buy nоw', ['r-buy-now']],
    ['phrase in leetspeak', 'buy n0w', ['r-buy-now']],
    ['phrase with accents', 'bùy nów', ['r-buy-now']],
    ['word', 'this is a scam', ['r-scam']],
    ['word followed by punctuation', 'scam!', ['r-scam']],
    ['word with zero-width joiner', 'sc\u200Dam', ['r-scam']],
    ['leet rule matches plain spelling', 'send cash', ['r-cash']],
    ['leet rule matches leet spelling', 'send c@$h', ['r-cash']],
    ['phrase rule with apostrophe matches without it', 'dont give up', ['r-dont-give-up']],
    ['phrase rule with apostrophe matches curly apostrophe', 'Don’t give up!', ['r-dont-give-up']],
    ['rule written with double space matches single', 'a miracle cure for CKD', ['r-miracle']],
    ['regex rule', 'use promo code SAVE20', ['r-promo']],
    ['regex rule over evaded text', 'message me on whats\u200Bapp', ['r-whatsapp']],
    ['regex rule on digits sees plain text', 'call 999123', ['r-digits']],
    ['several rules at once, in rule order', 'scam: buy now, idiot', ['r-buy-now', 'r-scam', 'r-idiot']],
    // false positives
    ['word inside a longer word', 'class assignment', []],
    ['word as a prefix', 'scammer', []],
    ['phrase with a word in between', 'buy it now', []],
    ['phrase words in the wrong order', 'now buy', []],
    ['phrase split as prefix of a longer word', 'buy nowhere', []],
    ['apostrophe rule does not match part of a word', 'don give up', []],
    ['regex without enough characters', 'promo code X', []],
    ['digits inside a longer number', 'ref 9991234', []],
    ['empty text', '', []],
  ])('%s: %j', (_label, text, expected) => {
    expect(matchedIds(text)).toEqual(expected);
  });

  it('returns the rule action, clause and a reviewer-friendly detail', () => {
    const [verdict] = screenWatchedWords(compiled, normalise('BUY NOW'));
    expect(verdict).toEqual({
      action: 'block',
      source: 'rule',
      detail: 'watched phrase "buy now"',
      clauseKey: 'no-selling-or-recruiting',
      spans: [{ start: 0, end: 7 }],
      ruleId: 'r-buy-now',
    });
  });

  it('leaves clauseKey out when the rule has none', () => {
    const [verdict] = screenWatchedWords(compiled, normalise('scam'));
    expect(verdict).not.toHaveProperty('clauseKey');
    expect(verdict?.detail).toBe('watched word "scam"');
  });

  it('describes regex rules by their pattern', () => {
    const [verdict] = screenWatchedWords(compiled, normalise('promo code ABCD'));
    expect(verdict?.detail).toBe('watched pattern /promo\\s*code\\s*\\w{4}/');
  });

  it('maps spans back to the original, including the hidden characters', () => {
    const original = 'you ｉｄ\u200Bｉｏｔ, and you idiot';
    const [verdict] = screenWatchedWords(compiled, normalise(original));
    expect(verdict?.spans).toEqual([
      { start: 4, end: 10 },
      { start: 20, end: 25 },
    ]);
    expect(maskSpans(original, verdict?.spans ?? [])).toBe('you ••••••, and you •••••');
  });

  it('reports each span once when a regex matches both forms of the text', () => {
    const [verdict] = screenWatchedWords(compiled, normalise('whatsapp'));
    expect(verdict?.spans).toEqual([{ start: 0, end: 8 }]);
  });

  it('runs regex rules over the whole text, however long', () => {
    const c = compileRules([{ id: 'late', pattern: 'needle', match: 'regex', action: 'hold' }]);
    const text = `${'x '.repeat(20_000)}needle`;
    const [verdict] = screenWatchedWords(c, normalise(text));
    expect(verdict?.spans?.map((s) => text.slice(s.start, s.end))).toEqual(['needle']);
  });

  it.each<[string, string[]]>([
    ['call 07700 900123 for zorbax99', ['phone', 'zorbax']],
    ['nothing to see', []],
    ['ZORBAX1234 only', ['zorbax']],
    ['s c a m here', ['scam']],
  ])('runs several regex rules through one RE2 set: %j', (text, ids) => {
    const c = compileRules([
      { id: 'phone', pattern: '07\\d{3}\\s?\\d{6}', match: 'regex', action: 'hold' },
      { id: 'zorbax', pattern: 'zorbax\\d{2,4}', match: 'regex', action: 'flag' },
      { id: 'scam', pattern: '\\bsc[a4]m\\b', match: 'regex', action: 'flag' },
    ]);
    expect(c.regexSet).not.toBeNull();
    expect(screenWatchedWords(c, normalise(text)).map((v) => v.ruleId)).toEqual(ids);
  });

  it('maps regex matches in the letter view back to the original, spaced-out letters included', () => {
    const c = compileRules([{ id: 'r', pattern: 'sc[a4]m+', match: 'regex', action: 'mask' }]);
    const text = 'this is a s c a m ok';
    const [verdict] = screenWatchedWords(c, normalise(text));
    expect(verdict?.spans?.map((s) => text.slice(s.start, s.end))).toEqual(['s c a m']);
  });

  it.each([
    ['[a-z]+\\w+!', 'a'.repeat(50_000)],
    ['(a+)+$', `${'a'.repeat(50_000)}!`],
    ['(x+x+)+y', 'x'.repeat(50_000)],
  ])('screens 50,000 characters against the hostile rule %s in well under a second', (pattern, attack) => {
    const c = compileRules([{ id: 'hostile', pattern, match: 'regex', action: 'hold' }]);
    expect(c.regexes).toHaveLength(1);
    const started = performance.now();
    expect(screenWatchedWords(c, normalise(attack))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('finds word rules anywhere, however long the text', () => {
    const c = compileRules([{ id: 'late', pattern: 'needle', match: 'word', action: 'hold' }]);
    expect(screenWatchedWords(c, normalise(`${'x '.repeat(20_000)}needle`))).toHaveLength(1);
  });

  it('handles overlapping patterns sharing a suffix', () => {
    const c = compileRules([
      { id: 'she-sells', pattern: 'she sells', match: 'phrase', action: 'flag' },
      { id: 'sells', pattern: 'sells', match: 'word', action: 'flag' },
      { id: 'he-sells', pattern: 'he sells', match: 'phrase', action: 'flag' },
    ]);
    expect(screenWatchedWords(c, normalise('she sells shells')).map((v) => v.ruleId)).toEqual(['she-sells', 'sells']);
  });

  it('compiles 1,000 watched words and screens a 300-character text correctly', () => {
    const rules: WatchedWordRule[] = Array.from({ length: 1_000 }, (_, i) => ({
      id: `w${i}`,
      pattern: `banned${i.toString(36)}word`,
      match: i % 2 === 0 ? 'word' : 'phrase',
      action: 'hold',
    }));
    rules.push({ id: 'target', pattern: 'forbidden phrase', match: 'phrase', action: 'block' });
    const big = compileRules(rules);
    const text = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4)} bannedkbword and a forbidden  phrase, banned999word. ${'x'.repeat(20)}`;
    expect(text.length).toBeGreaterThanOrEqual(280);
    const ids = screenWatchedWords(big, normalise(text)).map((v) => v.ruleId);
    expect(ids).toEqual([`w${parseInt('kb', 36)}`, 'target']);
  });
});
