import type { ScreenVerdict } from '../screening/screening.types';
import { combineFieldVerdicts, screenFields, type ScreenedFieldText } from './field-screening';

const crisis: ScreenVerdict = { action: 'hold', source: 'crisis', detail: 'crisis language', urgent: true, clauseKey: 'look-out-for-each-other' };
const phone = (start: number, end: number): ScreenVerdict => ({
  action: 'hold',
  source: 'personal-data',
  detail: 'UK mobile number',
  clauseKey: 'stay-unidentifiable',
  spans: [{ start, end }],
});
const maskWord = (start: number, end: number): ScreenVerdict => ({ action: 'mask', source: 'rule', detail: 'watched word', spans: [{ start, end }] });
const block: ScreenVerdict = { action: 'block', source: 'rule', detail: 'blocked phrase', clauseKey: 'no-selling-or-recruiting' };
const flag: ScreenVerdict = { action: 'flag', source: 'rule', detail: 'flagged word' };
const preModeration: ScreenVerdict = { action: 'hold', source: 'pre-moderation', detail: 'the group is pre-moderated' };

const field = (name: ScreenedFieldText['field'], text: string, verdicts: ScreenVerdict[] = []): ScreenedFieldText => ({ field: name, text, verdicts });

describe('combineFieldVerdicts', () => {
  it.each<[string, ScreenedFieldText[], ScreenVerdict[], { status: string; urgent: boolean; flagged: boolean; fields: Array<string | undefined> }]>([
    ['nothing anywhere', [field('body', 'Hello'), field('title', 'Hi')], [], { status: 'published', urgent: false, flagged: false, fields: [] }],
    [
      'crisis words only in the title',
      [field('body', 'Hello everyone.'), field('title', 'I want to kill myself tonight', [crisis])],
      [],
      { status: 'held', urgent: true, flagged: false, fields: ['title'] },
    ],
    [
      'a phone number in the content warning',
      [field('body', 'Hello'), field('contentWarning', 'call 07700 900123', [phone(5, 17)])],
      [],
      { status: 'held', urgent: false, flagged: false, fields: ['contentWarning'] },
    ],
    [
      'a blocked phrase in the title',
      [field('body', 'Hello'), field('title', 'buy now', [block])],
      [],
      { status: 'rejected', urgent: false, flagged: false, fields: ['title'] },
    ],
    [
      'crisis in the title beats a block in the body',
      [field('body', 'buy now', [block]), field('title', 'end it', [crisis])],
      [],
      { status: 'held', urgent: true, flagged: false, fields: ['title', 'body'] },
    ],
    [
      'a flag in the title',
      [field('body', 'Hello'), field('title', 'hmm', [flag])],
      [],
      { status: 'published', urgent: false, flagged: true, fields: ['title'] },
    ],
    [
      'the same reason in two fields',
      [field('body', 'end it', [crisis]), field('title', 'end it', [crisis])],
      [],
      { status: 'held', urgent: true, flagged: false, fields: ['body', 'title'] },
    ],
    [
      'a mode verdict, which names no field',
      [field('body', 'Hello'), field('title', 'Hi')],
      [preModeration],
      { status: 'held', urgent: false, flagged: false, fields: [undefined] },
    ],
  ])('%s', (_what, fields, others, expected) => {
    const outcome = combineFieldVerdicts(fields, others);
    expect(outcome.status).toBe(expected.status);
    expect(outcome.urgent).toBe(expected.urgent);
    expect(outcome.flagged).toBe(expected.flagged);
    expect(outcome.reasons.map((r) => r.field)).toEqual(expected.fields);
  });

  it.each<[string, ScreenedFieldText[], string, Record<string, string> | undefined]>([
    ['a mask in the body only', [field('body', 'a darn day', [maskWord(2, 6)]), field('title', 'Hi')], 'a •••• day', undefined],
    ['a mask in the title only', [field('body', 'Hello'), field('title', 'darn it', [maskWord(0, 4)])], 'Hello', { title: '•••• it' }],
    [
      'masks in every field, each at its own offsets',
      [field('body', 'oh darn', [maskWord(3, 7)]), field('title', 'darn', [maskWord(0, 4)]), field('contentWarning', 'x darn', [maskWord(2, 6)])],
      'oh ••••',
      { title: '••••', contentWarning: 'x ••••' },
    ],
  ])('%s', (_what, fields, body, masked) => {
    const outcome = combineFieldVerdicts(fields);
    expect(outcome.body).toBe(body);
    expect(outcome.masked).toEqual(masked);
  });
});

describe('screenFields', () => {
  it('screens each field on its own and skips empty ones', () => {
    const seen: string[] = [];
    const outcome = screenFields(
      [
        { field: 'body', text: 'Hello everyone.' },
        { field: 'title', text: 'kill' },
        { field: 'contentWarning', text: '' },
      ],
      (text) => {
        seen.push(text);
        return text === 'kill' ? [crisis] : [];
      },
    );
    expect(seen).toEqual(['Hello everyone.', 'kill']);
    expect(outcome).toMatchObject({ status: 'held', urgent: true, body: 'Hello everyone.', reasons: [{ source: 'crisis', field: 'title' }] });
  });
});
