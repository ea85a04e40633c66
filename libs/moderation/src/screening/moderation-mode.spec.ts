import { isTrustedAuthor, modeVerdicts, type ModerationModeContext } from './moderation-mode';

const base: ModerationModeContext = {
  mode: 'post',
  firstPostsHeld: 3,
  authorApprovedCount: 0,
  authorIsModerator: false,
  covered: true,
  outOfCoverage: 'post',
};

describe('modeVerdicts', () => {
  it.each<[string, Partial<ModerationModeContext>, string[]]>([
    ['post-moderated, covered', {}, []],
    ['pre-moderated holds everything', { mode: 'pre' }, ['pre-moderation']],
    ['pre-moderated holds trusted members too', { mode: 'pre', authorApprovedCount: 50 }, ['pre-moderation']],
    ['first post is held', { mode: 'first-posts', authorApprovedCount: 0 }, ['first-posts']],
    ['third post still held', { mode: 'first-posts', authorApprovedCount: 2 }, ['first-posts']],
    ['after N approvals the member is trusted', { mode: 'first-posts', authorApprovedCount: 3 }, []],
    ['first-posts with zero held posts', { mode: 'first-posts', firstPostsHeld: 0 }, []],
    ['first-posts ignored in post mode', { mode: 'post', authorApprovedCount: 0 }, []],
    ['out of cover, fallback pre', { covered: false, outOfCoverage: 'pre' }, ['out-of-coverage']],
    ['out of cover, fallback post', { covered: false, outOfCoverage: 'post' }, []],
    ['out of cover, readonly is refused before screening', { covered: false, outOfCoverage: 'readonly' }, []],
    ['covered, fallback pre does not apply', { covered: true, outOfCoverage: 'pre' }, []],
    ['first posts and out of cover both reported', { mode: 'first-posts', covered: false, outOfCoverage: 'pre' }, ['first-posts', 'out-of-coverage']],
    ['moderator in pre mode', { mode: 'pre', authorIsModerator: true }, []],
    ['moderator in first-posts mode', { mode: 'first-posts', authorIsModerator: true }, []],
    ['moderator out of cover', { covered: false, outOfCoverage: 'pre', authorIsModerator: true }, []],
  ])('%s', (_label, overrides, sources) => {
    const verdicts = modeVerdicts({ ...base, ...overrides });
    expect(verdicts.map((v) => v.source)).toEqual(sources);
    for (const v of verdicts) {
      expect(v.action).toBe('hold');
      expect(v.urgent).toBeUndefined();
    }
  });

  it('explains the first-posts hold to the reviewer', () => {
    expect(modeVerdicts({ ...base, mode: 'first-posts', authorApprovedCount: 1 })).toEqual([
      { action: 'hold', source: 'first-posts', detail: "one of the member's first 3 posts (1 approved so far)" },
    ]);
  });
});

describe('isTrustedAuthor', () => {
  it.each([
    [{ authorIsModerator: false, authorApprovedCount: 0, firstPostsHeld: 3 }, false],
    [{ authorIsModerator: false, authorApprovedCount: 3, firstPostsHeld: 3 }, true],
    [{ authorIsModerator: true, authorApprovedCount: 0, firstPostsHeld: 3 }, true],
    [{ authorIsModerator: false, authorApprovedCount: 0, firstPostsHeld: 0 }, true],
  ])('%j → %s', (ctx, trusted) => {
    expect(isTrustedAuthor(ctx)).toBe(trusted);
  });
});
