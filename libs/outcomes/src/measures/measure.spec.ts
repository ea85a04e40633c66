import { DomainError } from '@kindred/domain';
import { validateAnswers, validateIntervals, validateQuestions } from './measure';

const question = (overrides: Record<string, unknown> = {}) => ({
  key: 'confidence',
  text: 'How confident do you feel?',
  scale: { min: 0, max: 10, minLabel: 'Not at all', maxLabel: 'Completely' },
  ...overrides,
});

function fields(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return ((error as DomainError).extra.errors as Array<{ field: string }>).map((e) => e.field);
  }
  throw new Error('expected a validation error');
}

describe('outcome measures', () => {
  it('accepts questions on whole-number scales with both ends named', () => {
    expect(validateQuestions([question(), question({ key: 'sleep', scale: { min: 1, max: 5, minLabel: ' Badly ', maxLabel: 'Well' } })])).toEqual([
      question(),
      { key: 'sleep', text: 'How confident do you feel?', scale: { min: 1, max: 5, minLabel: 'Badly', maxLabel: 'Well' } },
    ]);
  });

  it('refuses each malformed question by its field', () => {
    expect(fields(() => validateQuestions([]))).toEqual(['questions']);
    expect(fields(() => validateQuestions(Array.from({ length: 31 }, (_, i) => question({ key: `q${i}` }))))).toEqual(['questions']);
    expect(fields(() => validateQuestions([question({ key: 'Bad Key' })]))).toEqual(['questions[0].key']);
    expect(fields(() => validateQuestions([question(), question()]))).toEqual(['questions[1].key']);
    expect(fields(() => validateQuestions([question({ text: '   ' })]))).toEqual(['questions[0].text']);
    for (const scale of [
      { min: 5, max: 5 },
      { min: -1, max: 5 },
      { min: 0, max: 101 },
      { min: 0.5, max: 5 },
      { min: '0', max: 5 },
    ]) {
      expect(fields(() => validateQuestions([question({ scale: { ...scale, minLabel: 'a', maxLabel: 'b' } })]))).toEqual(['questions[0].scale']);
    }
    expect(fields(() => validateQuestions([question({ scale: { min: 0, max: 4, minLabel: '', maxLabel: 'b' } })]))).toEqual(['questions[0].scale.minLabel']);
    expect(fields(() => validateQuestions(['nonsense']))).toEqual(expect.arrayContaining(['questions[0].key', 'questions[0].text', 'questions[0].scale']));
  });

  it('takes answers only as whole numbers on each question’s scale, every question answered, nothing extra', () => {
    const questions = validateQuestions([question(), question({ key: 'sleep', scale: { min: 1, max: 5, minLabel: 'a', maxLabel: 'b' } })]);
    expect(validateAnswers(questions, { confidence: 0, sleep: 5 })).toEqual({ confidence: 0, sleep: 5 });
    expect(fields(() => validateAnswers(questions, { confidence: 11, sleep: 5 }))).toEqual(['answers.confidence']);
    expect(fields(() => validateAnswers(questions, { confidence: 3, sleep: 0 }))).toEqual(['answers.sleep']);
    expect(fields(() => validateAnswers(questions, { confidence: 3.5, sleep: 2 }))).toEqual(['answers.confidence']);
    expect(fields(() => validateAnswers(questions, { confidence: '3', sleep: 2 }))).toEqual(['answers.confidence']);
    expect(fields(() => validateAnswers(questions, { confidence: null, sleep: 2 }))).toEqual(['answers.confidence']);
    expect(fields(() => validateAnswers(questions, { confidence: 3 }))).toEqual(['answers.sleep']);
    expect(fields(() => validateAnswers(questions, { confidence: 3, sleep: 2, __proto__x: 1 }))).toEqual(['answers.__proto__x']);
    expect(fields(() => validateAnswers(questions, [3, 2]))).toEqual(['answers']);
    expect(fields(() => validateAnswers(questions, null))).toEqual(['answers']);
  });

  it('takes follow-up intervals as rising whole months', () => {
    expect(validateIntervals([3, 6])).toEqual([3, 6]);
    expect(validateIntervals([1])).toEqual([1]);
    for (const bad of [[], [6, 3], [3, 3], [0], [37], [2.5], ['3'], 3, null, [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      expect(fields(() => validateIntervals(bad))).toEqual(['intervalsMonths']);
    }
  });
});
