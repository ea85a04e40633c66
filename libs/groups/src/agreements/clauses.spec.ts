import { DEFAULT_AGREEMENT } from './agreement-template';
import { normaliseClauses, validateClauses } from './clauses';

const fields = (errors: { field: string }[]) => errors.map((e) => e.field);
const clause = (key: string, overrides: Record<string, unknown> = {}) => ({ key, title: `Title ${key}`, text: `Text of ${key}`, ...overrides });

describe('validateClauses', () => {
  it('accepts the default template', () => {
    expect(validateClauses([...DEFAULT_AGREEMENT])).toEqual([]);
  });

  it('keeps the clause keys the screeners cite', () => {
    expect(DEFAULT_AGREEMENT.map((c) => c.key)).toEqual([
      'shared-experience',
      'confidentiality',
      'stay-unidentifiable',
      'experience-not-instructions',
      'respect',
      'no-graphic-detail',
      'no-selling-or-recruiting',
      'look-out-for-each-other',
      'not-an-emergency-service',
      'fair-enforcement',
    ]);
  });

  test.each<[string, unknown, string[]]>([
    ['no clauses', [], ['clauses']],
    ['not a list', { key: 'respect' }, ['clauses']],
    ['too many clauses', Array.from({ length: 51 }, (_, i) => clause(`c-${i}`)), ['clauses']],
    ['a duplicate key', [clause('respect'), clause('respect')], ['clauses.1.key']],
    ['an upper-case key', [clause('Respect')], ['clauses.0.key']],
    ['a one-letter key', [clause('r')], ['clauses.0.key']],
    ['a key with spaces', [clause('be kind')], ['clauses.0.key']],
    ['a blank title', [clause('respect', { title: '  ' })], ['clauses.0.title']],
    ['a long title', [clause('respect', { title: 'x'.repeat(201) })], ['clauses.0.title']],
    ['missing text', [clause('respect', { text: undefined })], ['clauses.0.text']],
    ['text too long', [clause('respect', { text: 'x'.repeat(4001) })], ['clauses.0.text']],
    ['an unknown property', [clause('respect', { severity: 3 })], ['clauses.0.severity']],
    ['a clause that is not an object', ['respect'], ['clauses.0']],
  ])('refuses %s', (_name, clauses, expected) => {
    expect(fields(validateClauses(clauses))).toEqual(expected);
  });

  it('accepts exactly 50 clauses and 4000 characters of text', () => {
    expect(validateClauses(Array.from({ length: 50 }, (_, i) => clause(`c-${i}`, { text: 'x'.repeat(4000) })))).toEqual([]);
  });
});

describe('normaliseClauses', () => {
  it('trims titles and text', () => {
    expect(normaliseClauses([{ key: 'respect', title: ' Respect ', text: '\nBe kind.\n' }])).toEqual([{ key: 'respect', title: 'Respect', text: 'Be kind.' }]);
  });
});
