import { Eligibility, EligibilityResult, ageOn, checkApplication, validateEligibility } from './eligibility';

const on = (isoDate: string): Date => new Date(`${isoDate}T12:00:00Z`);

describe('ageOn', () => {
  test.each<[string, string, Date, number]>([
    ['birthday today', '2000-06-02', on('2025-06-02'), 25],
    ['birthday tomorrow', '2000-06-03', on('2025-06-02'), 24],
    ['birthday yesterday', '2000-06-01', on('2025-06-02'), 25],
    ['birthday later in the year', '2000-12-31', on('2025-01-01'), 24],
    ['born on New Year’s Day', '2000-01-01', on('2025-01-01'), 25],
    ['leap-day birthday, 28 Feb in an ordinary year', '2004-02-29', on('2025-02-28'), 20],
    ['leap-day birthday, 1 Mar in an ordinary year', '2004-02-29', on('2025-03-01'), 21],
    ['leap-day birthday, 28 Feb in a leap year', '2004-02-29', on('2028-02-28'), 23],
    ['leap-day birthday, 29 Feb in a leap year', '2004-02-29', on('2028-02-29'), 24],
    ['1 Mar birthday in a leap year is not moved', '2003-03-01', on('2024-02-29'), 20],
    ['uses the UTC date, late evening', '2000-06-03', new Date('2025-06-02T23:59:59Z'), 24],
    ['uses the UTC date, just after midnight', '2000-06-03', new Date('2025-06-03T00:00:00Z'), 25],
    ['born today', '2025-06-02', on('2025-06-02'), 0],
    ['born after today', '2025-06-03', on('2025-06-02'), -1],
  ])('%s', (_name, dateOfBirth, today, expected) => {
    expect(ageOn(dateOfBirth, today)).toBe(expected);
  });

  test.each(['2001-02-29', '2000-13-01', '2000-04-31', '2000-6-2', '02/06/2000', '', '2000-06-02T00:00:00Z'])('rejects %p', (dateOfBirth) => {
    expect(() => ageOn(dateOfBirth, on('2025-06-02'))).toThrow(RangeError);
  });
});

describe('checkApplication', () => {
  const today = on('2025-06-02');
  const youngAdults: Eligibility = {
    minAge: 18,
    maxAge: 30,
    questions: [
      { key: 'diagnosis', prompt: 'Do you have chronic kidney disease?', required: true, expected: 'yes' },
      { key: 'renal-unit', prompt: 'Which renal unit looks after you?', required: true },
      { key: 'heard-from', prompt: 'How did you hear about us?', required: false },
    ],
  };
  const goodAnswers = { diagnosis: 'Yes', 'renal-unit': 'Leeds' };
  const rangeMessage = "This group is for people aged 18 to 30. You can't join it, but the group's support page lists other help you can reach.";

  test.each<[string, Eligibility, string, Record<string, string>, EligibilityResult]>([
    ['eligible, no mismatches', youngAdults, '2000-01-01', goodAnswers, { ok: true, mismatches: [] }],
    ['18th birthday today', youngAdults, '2007-06-02', goodAnswers, { ok: true, mismatches: [] }],
    ['18th birthday tomorrow', youngAdults, '2007-06-03', goodAnswers, { ok: false, code: 'NOT_ELIGIBLE', message: rangeMessage }],
    ['still 30 on the day before turning 31', youngAdults, '1994-06-03', goodAnswers, { ok: true, mismatches: [] }],
    ['31st birthday today', youngAdults, '1994-06-02', goodAnswers, { ok: false, code: 'NOT_ELIGIBLE', message: rangeMessage }],
    ['leap-day baby is 17 on 28 Feb of an ordinary year', youngAdults, '2008-02-29', goodAnswers, { ok: false, code: 'NOT_ELIGIBLE', message: rangeMessage }],
    ['age is checked before answers', youngAdults, '1960-01-01', {}, { ok: false, code: 'NOT_ELIGIBLE', message: rangeMessage }],
    [
      'minimum age only',
      { minAge: 18, questions: [] },
      '2010-01-01',
      {},
      {
        ok: false,
        code: 'NOT_ELIGIBLE',
        message: "This group is for people aged 18 and over. You can't join it, but the group's support page lists other help you can reach.",
      },
    ],
    ['minimum age only, no upper limit', { minAge: 18, questions: [] }, '1930-01-01', {}, { ok: true, mismatches: [] }],
    [
      'maximum age only',
      { maxAge: 25, questions: [] },
      '1990-01-01',
      {},
      {
        ok: false,
        code: 'NOT_ELIGIBLE',
        message: "This group is for people aged 25 and under. You can't join it, but the group's support page lists other help you can reach.",
      },
    ],
    ['maximum age only, no lower limit', { maxAge: 25, questions: [] }, '2015-01-01', {}, { ok: true, mismatches: [] }],
    ['no age range at all', { questions: [] }, '1950-01-01', {}, { ok: true, mismatches: [] }],
    [
      'expected answer matches, trimmed and case-insensitive',
      youngAdults,
      '2000-01-01',
      { diagnosis: '  YES ', 'renal-unit': 'Leeds' },
      { ok: true, mismatches: [] },
    ],
    [
      'an answer that differs from the expected one is only flagged',
      youngAdults,
      '2000-01-01',
      { diagnosis: 'not sure', 'renal-unit': 'Leeds' },
      { ok: true, mismatches: ['diagnosis'] },
    ],
    ['an optional question left blank is fine', youngAdults, '2000-01-01', { ...goodAnswers, 'heard-from': '   ' }, { ok: true, mismatches: [] }],
    [
      'a blank optional answer differs from its expected answer',
      { questions: [{ key: 'declaration', prompt: 'Type "agree"', required: false, expected: 'agree' }] },
      '2000-01-01',
      {},
      { ok: true, mismatches: ['declaration'] },
    ],
    [
      'a missing required answer',
      youngAdults,
      '2000-01-01',
      { diagnosis: 'yes' },
      { ok: false, code: 'VALIDATION_FAILED', errors: [{ field: 'answers.renal-unit', message: 'This question needs an answer.' }] },
    ],
    [
      'a whitespace-only required answer counts as missing',
      youngAdults,
      '2000-01-01',
      { diagnosis: 'yes', 'renal-unit': ' \n\t ' },
      { ok: false, code: 'VALIDATION_FAILED', errors: [{ field: 'answers.renal-unit', message: 'This question needs an answer.' }] },
    ],
    [
      'an answer to a question the group does not ask',
      youngAdults,
      '2000-01-01',
      { ...goodAnswers, nhsNumber: '943 476 5919' },
      {
        ok: false,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'answers.nhsNumber', message: "This group doesn't ask a question with this key." }],
      },
    ],
    [
      'an answer over 2,000 characters',
      youngAdults,
      '2000-01-01',
      { ...goodAnswers, 'heard-from': 'a'.repeat(2001) },
      {
        ok: false,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'answers.heard-from', message: 'Keep this answer to 2,000 characters or fewer.' }],
      },
    ],
    ['an answer of exactly 2,000 characters', youngAdults, '2000-01-01', { ...goodAnswers, 'heard-from': 'a'.repeat(2000) }, { ok: true, mismatches: [] }],
    [
      '2,000 emoji are 2,000 characters, not 4,000',
      youngAdults,
      '2000-01-01',
      { ...goodAnswers, 'heard-from': '💙'.repeat(2000) },
      { ok: true, mismatches: [] },
    ],
    [
      'every problem is reported at once',
      youngAdults,
      '2000-01-01',
      { extra: 'x' },
      {
        ok: false,
        code: 'VALIDATION_FAILED',
        errors: [
          { field: 'answers.diagnosis', message: 'This question needs an answer.' },
          { field: 'answers.renal-unit', message: 'This question needs an answer.' },
          { field: 'answers.extra', message: "This group doesn't ask a question with this key." },
        ],
      },
    ],
    [
      'a malformed date of birth',
      youngAdults,
      '01/01/2000',
      goodAnswers,
      {
        ok: false,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'dateOfBirth', message: 'Please enter your date of birth: day, month and year.' }],
      },
    ],
    [
      'a date of birth in the future',
      { questions: [] },
      '2025-06-03',
      {},
      { ok: false, code: 'VALIDATION_FAILED', errors: [{ field: 'dateOfBirth', message: "Your date of birth can't be in the future." }] },
    ],
  ])('%s', (_name, eligibility, dateOfBirth, answers, expected) => {
    expect(checkApplication(eligibility, dateOfBirth, answers, today)).toEqual(expected);
  });

  it('never echoes the age or date of birth when someone is not eligible', () => {
    const result = checkApplication(youngAdults, '1975-08-14', goodAnswers, today);
    expect(result).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE' });
    const message = result.ok ? '' : 'message' in result ? result.message : '';
    expect(message).not.toMatch(/49|1975|08|14/);
  });

  it('says so plainly when the range is a single age', () => {
    const result = checkApplication({ minAge: 16, maxAge: 16, questions: [] }, '2000-01-01', {}, today);
    expect(result).toMatchObject({ code: 'NOT_ELIGIBLE', message: expect.stringMatching(/^This group is for people aged 16\. /) });
  });

  it('rejects an answer that is not text', () => {
    const answers = { ...goodAnswers, 'heard-from': 42 } as unknown as Record<string, string>;
    expect(checkApplication(youngAdults, '2000-01-01', answers, today)).toEqual({
      ok: false,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'answers.heard-from', message: 'Answer this question with text.' }],
    });
  });
});

describe('validateEligibility', () => {
  const question = { key: 'diagnosis', prompt: 'Do you have chronic kidney disease?', required: true };

  test.each<[string, unknown, string[]]>([
    ['a full, valid set-up', { minAge: 18, maxAge: 30, questions: [{ ...question, expected: 'yes' }] }, []],
    ['no age range and no questions', { questions: [] }, []],
    ['the same minimum and maximum age', { minAge: 18, maxAge: 18, questions: [] }, []],
    ['the limits 13 and 120', { minAge: 13, maxAge: 120, questions: [] }, []],
    ['not an object', 'everyone', ['eligibility']],
    ['an array', [], ['eligibility']],
    ['questions missing', { minAge: 18 }, ['eligibility.questions']],
    ['minimum age below 13', { minAge: 12, questions: [] }, ['eligibility.minAge']],
    ['maximum age above 120', { maxAge: 121, questions: [] }, ['eligibility.maxAge']],
    ['ages that are not whole numbers', { minAge: 18.5, maxAge: '30', questions: [] }, ['eligibility.minAge', 'eligibility.maxAge']],
    ['minimum above maximum', { minAge: 31, maxAge: 30, questions: [] }, ['eligibility.maxAge']],
    ['an unknown setting', { questions: [], minimumAge: 18 }, ['eligibility.minimumAge']],
    ['a question that is not an object', { questions: ['Do you have CKD?'] }, ['eligibility.questions.0']],
    ['a key with capitals', { questions: [{ ...question, key: 'Diagnosis' }] }, ['eligibility.questions.0.key']],
    ['a key with spaces', { questions: [{ ...question, key: 'renal unit' }] }, ['eligibility.questions.0.key']],
    ['an empty key', { questions: [{ ...question, key: '' }] }, ['eligibility.questions.0.key']],
    ['a 41-character key', { questions: [{ ...question, key: 'k'.repeat(41) }] }, ['eligibility.questions.0.key']],
    ['a 40-character key', { questions: [{ ...question, key: 'k'.repeat(40) }] }, []],
    ['a repeated key', { questions: [question, { ...question, prompt: 'Again?' }] }, ['eligibility.questions.1.key']],
    ['an empty prompt', { questions: [{ ...question, prompt: '' }] }, ['eligibility.questions.0.prompt']],
    ['a whitespace-only prompt', { questions: [{ ...question, prompt: '   ' }] }, ['eligibility.questions.0.prompt']],
    ['a 501-character prompt', { questions: [{ ...question, prompt: 'p'.repeat(501) }] }, ['eligibility.questions.0.prompt']],
    ['a 500-character prompt', { questions: [{ ...question, prompt: 'p'.repeat(500) }] }, []],
    ['required missing', { questions: [{ key: 'diagnosis', prompt: 'Do you have CKD?' }] }, ['eligibility.questions.0.required']],
    ['required as text', { questions: [{ ...question, required: 'yes' }] }, ['eligibility.questions.0.required']],
    ['a blank expected answer', { questions: [{ ...question, expected: ' ' }] }, ['eligibility.questions.0.expected']],
    ['an unknown question setting', { questions: [{ ...question, hint: 'x' }] }, ['eligibility.questions.0.hint']],
  ])('%s', (_name, input, fields) => {
    const errors = validateEligibility(input);
    expect(errors.map((error) => error.field)).toEqual(fields);
    for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
  });
});
