import { combineVerdicts } from './combine';
import { screenText } from './screen';
import { compileRules } from './watched-words.screener';

const rules = compileRules([
  { id: 'buy-now', pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' },
  { id: 'idiot', pattern: 'idiot', match: 'word', action: 'mask', clauseKey: 'respect-and-no-discrimination' },
]);

const outcome = (text: string, authorTrusted = false) => {
  const { verdicts } = screenText(text, { rules, authorTrusted });
  return combineVerdicts(text, verdicts);
};

describe('screenText', () => {
  it.each<[string, string, 'published' | 'held' | 'rejected', string[]]>([
    ['ordinary post', 'Had a good dialysis session today, feeling tired but ok', 'published', []],
    ['blocked phrase', 'BUY NOW!!', 'rejected', ['rule']],
    ['blocked phrase with zero-width evasion', 'b\u200Buy n\u200Bow', 'rejected', ['rule']],
    ['blocked phrase with full-width evasion', 'ｂｕｙ ｎｏｗ', 'rejected', ['rule']],
    ['crisis', 'I want to end my life', 'held', ['crisis']],
    ['crisis beats a blocked phrase', 'buy now, I want to die', 'held', ['crisis', 'rule']],
    ['phone number', 'text me 07700 900123', 'held', ['personal-data']],
    ['NHS number', 'my NHS number is 943 476 5919', 'held', ['personal-data']],
    ['medical advice', 'you should stop taking your tacrolimus', 'held', ['medical-advice']],
    ['own experience', 'my consultant changed my dose', 'published', []],
    ['link from a new member', 'see kidneycareuk.org', 'held', ['link']],
    ['masked insult', 'what an idiot', 'published', ['rule']],
  ])('%s', (_label, text, status, sources) => {
    const result = outcome(text);
    expect(result.status).toBe(status);
    expect(result.reasons.map((r) => r.source)).toEqual(sources);
  });

  it('lets a trusted member post a link', () => {
    expect(outcome('see kidneycareuk.org', true).status).toBe('published');
  });

  it('masks the insult in the published body', () => {
    expect(outcome('what an ｉｄｉｏｔ').body).toBe('what an •••••');
  });

  it('returns the normalised text it screened', () => {
    expect(screenText('ＨＩ', { rules, authorTrusted: false }).normalised.text).toBe('hi');
  });
});
