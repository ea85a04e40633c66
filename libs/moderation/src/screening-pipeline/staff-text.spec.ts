import { compileRules } from '../screening/watched-words.screener';
import { screenStaffText } from './staff-text';

const rules = compileRules([
  { id: 'r1', pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' },
  { id: 'r2', pattern: 'darn', match: 'word', action: 'mask' },
]);

describe('screenStaffText', () => {
  it.each<[string, string, { text: string | RegExp; refused: boolean; crisis: boolean }]>([
    ['an ordinary note', 'This reads like a sales pitch to me.', { text: 'This reads like a sales pitch to me.', refused: false, crisis: false }],
    ['a phone number, masked', 'They gave out 07700 900123 here', { text: /^They gave out •+ here$/, refused: false, crisis: false }],
    ['an email address, masked', 'Contact me at sam@example.org please', { text: /^Contact me at •+ please$/, refused: false, crisis: false }],
    ['a masked word', 'What a darn mess', { text: 'What a •••• mess', refused: false, crisis: false }],
    ['a blocked phrase, refused', 'You should buy now', { text: 'You should buy now', refused: true, crisis: false }],
    [
      'crisis words, kept and urgent',
      'Reading this makes me want to end my life',
      { text: 'Reading this makes me want to end my life', refused: false, crisis: true },
    ],
    [
      'crisis words with a blocked phrase: never refused',
      'buy now, I want to end my life',
      { text: /^•+, I want to end my life$/, refused: false, crisis: true },
    ],
    ['a link, which only staff see', 'Same post is on https://example.com/x', { text: 'Same post is on https://example.com/x', refused: false, crisis: false }],
  ])('%s', (_what, text, expected) => {
    const outcome = screenStaffText(text, 'note', rules);
    if (typeof expected.text === 'string') expect(outcome.text).toBe(expected.text);
    else expect(outcome.text).toMatch(expected.text);
    expect(outcome.refused !== null).toBe(expected.refused);
    expect(outcome.crisis).toBe(expected.crisis);
    expect(outcome.reasons.every((r) => r.source === 'crisis' && r.field === 'note')).toBe(true);
    expect(outcome.reasons.length > 0).toBe(expected.crisis);
  });

  it('cites the clause of the rule that refused it', () => {
    expect(screenStaffText('buy now', 'appealText', rules).refused).toEqual({ clauseKey: 'no-selling-or-recruiting', detail: expect.any(String) });
  });
});
