import { answerProblems, canTakeNewMentee, questionProblems, rankMentors } from './matching';
import { maskPersonalData } from './mentoring-text';
import type { MatchingQuestion } from './mentoring.types';

const QUESTIONS: MatchingQuestion[] = [
  { key: 'ageBand', label: 'Age', options: ['18-39', '40-59', '60+'] },
  { key: 'language', label: 'Language', options: ['English', 'Somali', 'Polish'] },
  { key: 'preferredGender', label: 'Mentor gender', options: ['Woman', 'Man', 'No preference'], mentorKey: 'gender', anyOption: 'No preference' },
];

const mentor = (userId: string, answers: Record<string, string>, load = 0, renewBy = '2027-06-01') => ({
  userId,
  answers,
  status: 'approved' as const,
  renewBy,
  load,
});

describe('matching', () => {
  it('ranks by answers matched, then spare capacity, and compares a preference with the mentor’s own answer', () => {
    const ranked = rankMentors(
      QUESTIONS,
      { ageBand: '40-59', language: 'Somali', preferredGender: 'Woman' },
      [
        mentor('a', { ageBand: '40-59', language: 'English', gender: 'Woman' }, 1),
        mentor('b', { ageBand: '40-59', language: 'Somali', gender: 'Woman' }, 2),
        mentor('c', { ageBand: '40-59', language: 'English', gender: 'Woman' }, 0),
        mentor('d', { ageBand: '60+', language: 'Polish', gender: 'Man' }, 0),
      ],
      3,
      '2026-12-01',
      'mentee',
    );
    expect(ranked.map((r) => [r.userId, r.score])).toEqual([
      ['b', 3],
      ['c', 2],
      ['a', 2],
      ['d', 0],
    ]);
    expect(ranked[0]!.matchedOn).toEqual(['ageBand', 'language', 'preferredGender']);
  });

  it('counts "no preference" as a match with every mentor', () => {
    const [only] = rankMentors(
      QUESTIONS,
      { ageBand: '18-39', language: 'Polish', preferredGender: 'No preference' },
      [mentor('m', { gender: 'Man' })],
      1,
      '2026-12-01',
      'x',
    );
    expect(only!.matchedOn).toEqual(['preferredGender']);
  });

  it('never suggests a mentor who is full, withdrawn, past their training renewal, or the member themselves', () => {
    const candidates = [
      mentor('full', {}, 2),
      { ...mentor('withdrawn', {}), status: 'withdrawn' as const },
      mentor('lapsed', {}, 0, '2026-11-30'),
      mentor('mentee', {}),
      mentor('renews-today', {}, 0, '2026-12-01'),
    ];
    expect(rankMentors(QUESTIONS, {}, candidates, 2, '2026-12-01', 'mentee').map((r) => r.userId)).toEqual(['renews-today']);
    expect(canTakeNewMentee({ status: 'approved', renewBy: '2026-12-01', load: 1 }, 2, '2026-12-02')).toBe(false);
  });

  it('wants every question answered with one of its options, and nothing else', () => {
    expect(answerProblems(QUESTIONS, { ageBand: '40-59', language: 'English', preferredGender: 'Woman' })).toEqual([]);
    expect(answerProblems(QUESTIONS, { ageBand: '41', language: 'English', shoeSize: '9' }).map((p) => p.field)).toEqual([
      'answers.ageBand',
      'answers.preferredGender',
      'answers.shoeSize',
    ]);
    expect(answerProblems(QUESTIONS, { ageBand: ['40-59'] as unknown as string, language: 'English', preferredGender: 'Woman' })).toHaveLength(1);
  });

  it('refuses repeated keys or options, and a preference option that is not an option', () => {
    expect(
      questionProblems([QUESTIONS[0]!, { ...QUESTIONS[0]!, options: ['a', 'a'] }, { ...QUESTIONS[2]!, key: 'g2', anyOption: 'Either' }]).map((p) => p.field),
    ).toEqual(['matchingQuestions.1.key', 'matchingQuestions.1.options', 'matchingQuestions.2.anyOption']);
  });

  it('masks contact details in what mentors and mentees write down, and keeps the rest', () => {
    const masked = maskPersonalData('Call 07700 900123 or email sam@example.org about the walk');
    expect(masked).not.toContain('07700 900123');
    expect(masked).not.toContain('sam@example.org');
    expect(masked).toContain('about the walk');
    expect(maskPersonalData('Walk after dinner three times a week')).toBe('Walk after dinner three times a week');
  });
});
