import { mentionCandidates, MENTIONS_MAX } from './mentions';

describe('mentionCandidates', () => {
  it('reads each @ as the names it may stand for, longest first, ending where words end', () => {
    expect(mentionCandidates('Thanks @Sam Jones, that helped')).toEqual([['sam jones', 'sam']]);
    expect(mentionCandidates('@Robin.')).toEqual([['robin.', 'robin']]);
    expect(mentionCandidates('ask @Jo (carer) about it')).toEqual([['jo (carer) about it', 'jo (carer) about', 'jo (carer)', 'jo (carer', 'jo (', 'jo']]);
  });

  it('folds case and compatibility forms as display names are compared', () => {
    expect(mentionCandidates('hi @ＫＩＭ')).toEqual([['kim']]);
  });

  it('does not read an email address, a lone @ or a one-letter name as a mention', () => {
    expect(mentionCandidates('write to sam@example.org')).toEqual([]);
    expect(mentionCandidates('@ all of you, and @x')).toEqual([]);
  });

  it('never cuts a word: "@Samantha" does not stand for "Sam"', () => {
    expect(mentionCandidates('@Samantha')).toEqual([['samantha']]);
  });

  it('stops at a new line and reads at most a bounded number of @s', () => {
    expect(mentionCandidates('@Sam\nJones')).toEqual([['sam']]);
    expect(mentionCandidates(Array.from({ length: 50 }, (_, i) => `@name${i}`).join(' '))).toHaveLength(MENTIONS_MAX);
  });
});
