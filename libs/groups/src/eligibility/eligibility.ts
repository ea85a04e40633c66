/**
 * Who may apply to a group: an optional age range and the group's questions.
 * An answer that differs from a question's expected answer never rejects; it is shown to the
 * supporter who decides the application (API.md, "Groups, agreements, membership").
 */

export interface EligibilityQuestion {
  key: string;
  prompt: string;
  required: boolean;
  expected?: string;
}

export interface Eligibility {
  minAge?: number;
  maxAge?: number;
  questions: EligibilityQuestion[];
}

export interface FieldError {
  field: string;
  message: string;
}

export type EligibilityResult =
  { ok: true; mismatches: string[] } | { ok: false; code: 'NOT_ELIGIBLE'; message: string } | { ok: false; code: 'VALIDATION_FAILED'; errors: FieldError[] };

export const MAX_ANSWER_LENGTH = 2000;
export const MAX_PROMPT_LENGTH = 500;
export const MIN_AGE_LIMIT = 13;
export const MAX_AGE_LIMIT = 120;
const QUESTION_KEY_PATTERN = /^[a-z0-9-]{1,40}$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseCalendarDate(value: unknown): CalendarDate | null {
  if (typeof value !== 'string') return null;
  const match = DATE_PATTERN.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function utcCalendarDate(today: Date): CalendarDate {
  if (!(today instanceof Date) || Number.isNaN(today.getTime())) throw new RangeError('today must be a valid Date');
  return { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() };
}

function ageFrom(birth: CalendarDate, on: CalendarDate): number {
  // Someone born on 29 February has their birthday on 1 March in other years.
  const leapDayInOrdinaryYear = birth.month === 2 && birth.day === 29 && !isLeapYear(on.year);
  const birthdayMonth = leapDayInOrdinaryYear ? 3 : birth.month;
  const birthdayDay = leapDayInOrdinaryYear ? 1 : birth.day;
  const hadBirthday = on.month > birthdayMonth || (on.month === birthdayMonth && on.day >= birthdayDay);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}

/**
 * Age in whole years on the UTC calendar date of `today` (negative if born after it).
 * Throws RangeError when dateOfBirth is not a real YYYY-MM-DD date.
 */
export function ageOn(dateOfBirth: string, today: Date): number {
  const birth = parseCalendarDate(dateOfBirth);
  if (!birth) throw new RangeError('dateOfBirth must be a real date in the form YYYY-MM-DD');
  return ageFrom(birth, utcCalendarDate(today));
}

function isSet(value: number | null | undefined): value is number {
  return value !== undefined && value !== null;
}

function ageRangeText(minAge: number | undefined, maxAge: number | undefined): string {
  if (isSet(minAge) && isSet(maxAge)) return minAge === maxAge ? `aged ${minAge}` : `aged ${minAge} to ${maxAge}`;
  if (isSet(minAge)) return `aged ${minAge} and over`;
  return `aged ${maxAge} and under`;
}

function characterCount(text: string): number {
  return [...text].length; // code points, as PostgreSQL counts them
}

function sameAnswer(a: string, b: string): boolean {
  return a.trim().normalize('NFC').toLowerCase() === b.trim().normalize('NFC').toLowerCase();
}

/**
 * Checks an application against a group's eligibility. The age range is checked first so that
 * someone who can't join is told so before being asked to fix their answers.
 * NOT_ELIGIBLE never echoes the applicant's age or date of birth.
 * mismatches lists, in question order, keys with an expected answer that the (trimmed,
 * case-insensitive) answer differs from; a blank optional answer counts as differing.
 */
export function checkApplication(eligibility: Eligibility, dateOfBirth: string, answers: Record<string, string>, today: Date): EligibilityResult {
  const birth = parseCalendarDate(dateOfBirth);
  const todayDate = utcCalendarDate(today);
  if (!birth) {
    return validationFailed([{ field: 'dateOfBirth', message: 'Please enter your date of birth: day, month and year.' }]);
  }
  const age = ageFrom(birth, todayDate);
  if (age < 0) {
    return validationFailed([{ field: 'dateOfBirth', message: "Your date of birth can't be in the future." }]);
  }

  const { minAge, maxAge } = eligibility;
  if ((isSet(minAge) && age < minAge) || (isSet(maxAge) && age > maxAge)) {
    return {
      ok: false,
      code: 'NOT_ELIGIBLE',
      message: `This group is for people ${ageRangeText(minAge, maxAge)}. You can't join it, but the group's support page lists other help you can reach.`,
    };
  }

  const given: Record<string, unknown> = answers ?? {};
  const asked = eligibility.questions ?? [];
  const questions = new Map(asked.map((question) => [question.key, question]));
  const errors: FieldError[] = [];
  const mismatches: string[] = [];

  for (const question of asked) {
    const field = `answers.${question.key}`;
    const raw = Object.prototype.hasOwnProperty.call(given, question.key) ? given[question.key] : undefined;
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      errors.push({ field, message: 'Answer this question with text.' });
      continue;
    }
    const answer = typeof raw === 'string' ? raw : '';
    if (answer.trim() === '') {
      if (question.required) {
        errors.push({ field, message: 'This question needs an answer.' });
        continue;
      }
    } else if (characterCount(answer) > MAX_ANSWER_LENGTH) {
      errors.push({ field, message: `Keep this answer to ${MAX_ANSWER_LENGTH.toLocaleString('en-GB')} characters or fewer.` });
      continue;
    }
    if (typeof question.expected === 'string' && !sameAnswer(answer, question.expected)) {
      mismatches.push(question.key);
    }
  }

  for (const key of Object.keys(given)) {
    if (!questions.has(key)) {
      errors.push({ field: `answers.${key}`, message: "This group doesn't ask a question with this key." });
    }
  }

  return errors.length > 0 ? validationFailed(errors) : { ok: true, mismatches };
}

function validationFailed(errors: FieldError[]): EligibilityResult {
  return { ok: false, code: 'VALIDATION_FAILED', errors };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAgeLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_AGE_LIMIT && value <= MAX_AGE_LIMIT;
}

const ELIGIBILITY_PROPERTIES = new Set(['minAge', 'maxAge', 'questions']);
const QUESTION_PROPERTIES = new Set(['key', 'prompt', 'required', 'expected']);

/**
 * Shape checks for eligibility settings from an admin. Fields are paths in a group body, such as
 * "eligibility.minAge" or "eligibility.questions.0.key"; [] when the settings are fine.
 */
export function validateEligibility(e: unknown): FieldError[] {
  if (!isPlainObject(e)) {
    return [{ field: 'eligibility', message: 'Eligibility must be an object with a list of questions, and optionally minAge and maxAge.' }];
  }
  const errors: FieldError[] = [];

  for (const property of Object.keys(e)) {
    if (!ELIGIBILITY_PROPERTIES.has(property)) {
      errors.push({ field: `eligibility.${property}`, message: 'Eligibility has no setting with this name.' });
    }
  }

  const ageMessage = (which: string): string => `The ${which} age must be a whole number from ${MIN_AGE_LIMIT} to ${MAX_AGE_LIMIT}, or left out.`;
  const minOk = e.minAge === undefined || isAgeLimit(e.minAge);
  const maxOk = e.maxAge === undefined || isAgeLimit(e.maxAge);
  if (!minOk) errors.push({ field: 'eligibility.minAge', message: ageMessage('minimum') });
  if (!maxOk) errors.push({ field: 'eligibility.maxAge', message: ageMessage('maximum') });
  if (minOk && maxOk && isAgeLimit(e.minAge) && isAgeLimit(e.maxAge) && e.minAge > e.maxAge) {
    errors.push({ field: 'eligibility.maxAge', message: "The maximum age can't be lower than the minimum age." });
  }

  if (!Array.isArray(e.questions)) {
    errors.push({ field: 'eligibility.questions', message: 'Questions must be a list (it can be empty).' });
    return errors;
  }

  const seenKeys = new Set<string>();
  e.questions.forEach((question: unknown, index) => {
    const path = `eligibility.questions.${index}`;
    if (!isPlainObject(question)) {
      errors.push({ field: path, message: 'Each question needs a key, a prompt and whether it is required.' });
      return;
    }
    for (const property of Object.keys(question)) {
      if (!QUESTION_PROPERTIES.has(property)) {
        errors.push({ field: `${path}.${property}`, message: 'A question has no setting with this name.' });
      }
    }

    const { key, prompt, required, expected } = question;
    if (typeof key !== 'string' || !QUESTION_KEY_PATTERN.test(key)) {
      errors.push({
        field: `${path}.key`,
        message: 'A question key must be 1 to 40 lowercase letters, digits or hyphens, like "diagnosis".',
      });
    } else if (seenKeys.has(key)) {
      errors.push({ field: `${path}.key`, message: `Another question already uses the key "${key}".` });
    } else {
      seenKeys.add(key);
    }

    if (typeof prompt !== 'string' || prompt.trim() === '' || characterCount(prompt) > MAX_PROMPT_LENGTH) {
      errors.push({ field: `${path}.prompt`, message: `Write the question in 1 to ${MAX_PROMPT_LENGTH} characters.` });
    }
    if (typeof required !== 'boolean') {
      errors.push({ field: `${path}.required`, message: 'Say whether this question must be answered: true or false.' });
    }
    if (expected !== undefined && (typeof expected !== 'string' || expected.trim() === '' || characterCount(expected) > MAX_ANSWER_LENGTH)) {
      errors.push({
        field: `${path}.expected`,
        message: `The expected answer must be text of 1 to ${MAX_ANSWER_LENGTH.toLocaleString('en-GB')} characters, or left out.`,
      });
    }
  });
  return errors;
}
