import { DomainError, type FieldError } from '@kindred/domain';

/** Kindred's own measure, created by the outcomes migration: confidence, knowing where to get help, feeling less alone. */
export const DEFAULT_MEASURE_ID = '6b1d0c1e-2f7a-4c55-9a51-0d6c8f3e7a10';

/** A fixed scale of whole numbers from `min` to `max`, with what each end means. */
export interface Scale {
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
}

export interface Question {
  /** Stable within the measure; answers are keyed by it. */
  key: string;
  text: string;
  scale: Scale;
}

export interface MeasureView {
  id: string;
  title: string;
  description: string;
  questions: Question[];
  builtIn: boolean;
  createdAt: Date;
}

export const MAX_QUESTIONS = 30;
const KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;

function text(value: unknown, field: string, max: number, errors: FieldError[]): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    errors.push({ field, message: `must be text of 1 to ${max} characters` });
    return '';
  }
  return value.trim();
}

/**
 * A measure's questions as an admin (or a licence holder entering an instrument) gives them: each
 * with a key, its words and a scale of whole numbers (from 0 or more, at most 100 steps) with both
 * ends named. Anything else is refused field by field, so the form can say what to change.
 */
export function validateQuestions(input: unknown): Question[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_QUESTIONS) {
    throw DomainError.validation([{ field: 'questions', message: `must list 1 to ${MAX_QUESTIONS} questions` }]);
  }
  const keys = new Set<string>();
  const questions = input.map((raw: unknown, i): Question => {
    const q = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const field = `questions[${i}]`;
    const key = typeof q.key === 'string' ? q.key : '';
    if (!KEY.test(key)) errors.push({ field: `${field}.key`, message: 'must be 1 to 40 lower-case letters, digits or dashes' });
    else if (keys.has(key)) errors.push({ field: `${field}.key`, message: 'is used by another question' });
    keys.add(key);
    const s = (q.scale && typeof q.scale === 'object' ? q.scale : {}) as Record<string, unknown>;
    const min = s.min;
    const max = s.max;
    if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) < 0 || (max as number) > 100 || (min as number) >= (max as number)) {
      errors.push({ field: `${field}.scale`, message: 'min and max must be whole numbers, 0 ≤ min < max ≤ 100' });
    }
    return {
      key,
      text: text(q.text, `${field}.text`, 500, errors),
      scale: {
        min: min as number,
        max: max as number,
        minLabel: text(s.minLabel, `${field}.scale.minLabel`, 100, errors),
        maxLabel: text(s.maxLabel, `${field}.scale.maxLabel`, 100, errors),
      },
    };
  });
  if (errors.length) throw DomainError.validation(errors);
  return questions;
}

/**
 * A member's answers to a questionnaire: one whole number on its scale for every question, and
 * nothing else. A value off the scale, a fraction, a string or a key the measure does not have is
 * refused, so the report never averages something that was not asked.
 */
export function validateAnswers(questions: Question[], input: unknown): Record<string, number> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw DomainError.validation([{ field: 'answers', message: 'must give an answer for each question, by its key' }]);
  }
  const given = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const answers: Record<string, number> = {};
  for (const q of questions) {
    const value = given[q.key];
    if (value === undefined) errors.push({ field: `answers.${q.key}`, message: 'is missing' });
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < q.scale.min || value > q.scale.max) {
      errors.push({ field: `answers.${q.key}`, message: `must be a whole number from ${q.scale.min} to ${q.scale.max}` });
    } else answers[q.key] = value;
  }
  for (const key of Object.keys(given)) {
    if (!questions.some((q) => q.key === key)) errors.push({ field: `answers.${key}`, message: 'is not a question of this questionnaire' });
  }
  if (errors.length) throw DomainError.validation(errors);
  return answers;
}

/** Follow-up intervals in months after the baseline: 1 to 8 of them, each 1 to 36, given in rising order. */
export function validateIntervals(input: unknown): number[] {
  const ok =
    Array.isArray(input) &&
    input.length >= 1 &&
    input.length <= 8 &&
    input.every((n, i) => Number.isInteger(n) && n >= 1 && n <= 36 && (i === 0 || n > (input[i - 1] as number)));
  if (!ok) throw DomainError.validation([{ field: 'intervalsMonths', message: 'must be 1 to 8 whole months from 1 to 36, in rising order, such as [3, 6]' }]);
  return input as number[];
}
