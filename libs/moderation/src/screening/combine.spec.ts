import { combineVerdicts } from './combine';
import type { ScreenVerdict } from './screening.types';

const crisis: ScreenVerdict = {
  action: 'hold',
  source: 'crisis',
  urgent: true,
  clauseKey: 'look-out-for-each-other',
  detail: 'crisis language: wish to die',
};
const blockRule: ScreenVerdict = { action: 'block', source: 'rule', clauseKey: 'no-selling-or-recruiting', detail: 'watched phrase "buy now"' };
const phone: ScreenVerdict = { action: 'hold', source: 'personal-data', clauseKey: 'stay-unidentifiable', detail: 'UK mobile number' };
const flagRule: ScreenVerdict = { action: 'flag', source: 'rule', detail: 'watched word "scam"' };
const maskRule = (start: number, end: number): ScreenVerdict => ({
  action: 'mask',
  source: 'rule',
  detail: 'watched word "idiot"',
  spans: [{ start, end }],
});

const BODY = 'you idiot, buy now';

describe('combineVerdicts', () => {
  it.each<[string, ScreenVerdict[], 'published' | 'held' | 'rejected', boolean, boolean]>([
    ['no verdicts', [], 'published', false, false],
    ['only a mask', [maskRule(4, 9)], 'published', false, false],
    ['a flag', [flagRule], 'published', true, false],
    ['a hold', [phone], 'held', false, false],
    ['a block', [blockRule], 'rejected', false, false],
    ['block beats hold', [phone, blockRule], 'rejected', false, false],
    ['hold beats flag', [flagRule, phone], 'held', false, false],
    ['crisis is held and urgent', [crisis], 'held', false, true],
    ['crisis and block: held, never rejected', [blockRule, crisis], 'held', false, true],
    ['crisis, block and flag', [flagRule, blockRule, crisis], 'held', false, true],
  ])('%s', (_label, verdicts, status, flagged, urgent) => {
    const outcome = combineVerdicts(BODY, verdicts);
    expect(outcome.status).toBe(status);
    expect(outcome.flagged).toBe(flagged);
    expect(outcome.urgent).toBe(urgent);
  });

  it('cites the blocking clause on rejection', () => {
    expect(combineVerdicts(BODY, [phone, blockRule])).toEqual({
      status: 'rejected',
      flagged: false,
      urgent: false,
      body: BODY,
      reasons: [
        { source: 'rule', detail: 'watched phrase "buy now"', clauseKey: 'no-selling-or-recruiting' },
        { source: 'personal-data', detail: 'UK mobile number', clauseKey: 'stay-unidentifiable' },
      ],
      rejection: { clauseKey: 'no-selling-or-recruiting', detail: 'watched phrase "buy now"' },
    });
  });

  it('keeps the block as a reason for the reviewer when crisis turns it into a hold', () => {
    const outcome = combineVerdicts(BODY, [blockRule, crisis]);
    expect(outcome.rejection).toBeUndefined();
    expect(outcome.reasons.map((r) => r.source)).toEqual(['crisis', 'rule']);
  });

  it('masks the body whatever the status, and lists mask reasons last', () => {
    const outcome = combineVerdicts(BODY, [maskRule(4, 9), phone]);
    expect(outcome.body).toBe('you •••••, buy now');
    expect(outcome.status).toBe('held');
    expect(outcome.reasons).toEqual([
      { source: 'personal-data', detail: 'UK mobile number', clauseKey: 'stay-unidentifiable' },
      { source: 'rule', detail: 'watched word "idiot"' },
    ]);
  });

  it('masks every span from every mask verdict', () => {
    expect(combineVerdicts(BODY, [maskRule(0, 3), maskRule(4, 9), maskRule(15, 18)]).body).toBe('••• •••••, buy •••');
  });

  it('deduplicates identical reasons', () => {
    expect(combineVerdicts(BODY, [phone, phone, flagRule, flagRule]).reasons).toEqual([
      { source: 'personal-data', detail: 'UK mobile number', clauseKey: 'stay-unidentifiable' },
      { source: 'rule', detail: 'watched word "scam"' },
    ]);
  });

  it('orders reasons urgent, block, hold, flag, mask', () => {
    const outcome = combineVerdicts(BODY, [maskRule(0, 3), flagRule, phone, blockRule, crisis]);
    expect(outcome.reasons.map((r) => r.detail)).toEqual([
      'crisis language: wish to die',
      'watched phrase "buy now"',
      'UK mobile number',
      'watched word "scam"',
      'watched word "idiot"',
    ]);
  });

  it('omits clauseKey from reasons and rejection when the verdict has none', () => {
    const block: ScreenVerdict = { action: 'block', source: 'rule', detail: 'watched word "x"' };
    const outcome = combineVerdicts('x', [block]);
    expect(outcome.reasons).toEqual([{ source: 'rule', detail: 'watched word "x"' }]);
    expect(outcome.rejection).toEqual({ detail: 'watched word "x"' });
  });
});
