import type { MatchingQuestion } from './mentoring.types';

export interface MentorCandidate {
  userId: string;
  answers: Record<string, string>;
  status: 'approved' | 'withdrawn';
  renewBy: string;
  load: number;
}

export interface RankedCandidate {
  userId: string;
  score: number;
  matchedOn: string[];
  spareCapacity: number;
}

/** YYYY-MM-DD of an instant, in UTC: training dates are whole days. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A mentor may take a new mentee while approved, with training renewed by today or later. */
export function canTakeNewMentee(candidate: Pick<MentorCandidate, 'status' | 'renewBy' | 'load'>, capacity: number, today: string): boolean {
  return candidate.status === 'approved' && candidate.renewBy >= today && candidate.load < capacity;
}

/** Whether the member's answer to a question matches the mentor. */
export function answerMatches(question: MatchingQuestion, asked: string | undefined, mentor: Record<string, string>): boolean {
  if (asked === undefined) return false;
  if (question.anyOption !== undefined && asked === question.anyOption) return true;
  return mentor[question.mentorKey ?? question.key] === asked;
}

/**
 * Mentors who can take the member, best first: more matching answers, then more spare capacity,
 * then the one with the lighter load. The member themselves is never suggested.
 */
export function rankMentors(
  questions: MatchingQuestion[],
  answers: Record<string, string>,
  candidates: MentorCandidate[],
  capacity: number,
  today: string,
  menteeId: string,
): RankedCandidate[] {
  return candidates
    .filter((c) => c.userId !== menteeId && canTakeNewMentee(c, capacity, today))
    .map((c) => {
      const matchedOn = questions.filter((q) => answerMatches(q, answers[q.key], c.answers)).map((q) => q.key);
      return { userId: c.userId, score: matchedOn.length, matchedOn, spareCapacity: capacity - c.load };
    })
    .sort((a, b) => b.score - a.score || b.spareCapacity - a.spareCapacity || a.userId.localeCompare(b.userId));
}

/** Problems with a member's answers: every question answered, each with one of its options, nothing else. */
export function answerProblems(questions: MatchingQuestion[], answers: Record<string, unknown>): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  for (const q of questions) {
    const given = answers[q.key];
    if (typeof given !== 'string' || !q.options.includes(given))
      problems.push({ field: `answers.${q.key}`, message: `must be one of: ${q.options.join(', ')}` });
  }
  for (const key of Object.keys(answers)) {
    if (!questions.some((q) => q.key === key)) problems.push({ field: `answers.${key}`, message: 'is not a question of this programme' });
  }
  return problems;
}

/** Problems with an admin's matching questions: unique keys, at least two options each, a preference option among them. */
export function questionProblems(questions: MatchingQuestion[]): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const keys = new Set<string>();
  questions.forEach((q, i) => {
    if (keys.has(q.key)) problems.push({ field: `matchingQuestions.${i}.key`, message: 'must be unique' });
    keys.add(q.key);
    if (new Set(q.options).size !== q.options.length) problems.push({ field: `matchingQuestions.${i}.options`, message: 'must not repeat' });
    if (q.anyOption !== undefined && !q.options.includes(q.anyOption))
      problems.push({ field: `matchingQuestions.${i}.anyOption`, message: 'must be one of the options' });
  });
  return problems;
}
