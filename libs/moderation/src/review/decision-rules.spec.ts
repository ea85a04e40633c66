import { changeReason, contentEffect, ItemUnderDecision, maySanction } from './decision-rules';

const item = (overrides: Partial<ItemUnderDecision> = {}): ItemUnderDecision => ({ kind: 'post', subjectRevision: 2, subjectChange: null, ...overrides });

describe('contentEffect', () => {
  it.each([
    ['approve, the revision read', item(), { revision: 2, status: 'held' }, 'approve', 'published'],
    ['remove, the revision read', item(), { revision: 2, status: 'held' }, 'remove', 'removed'],
    [
      'approve a report item while its revision is still screened (the verdict publishes it)',
      item({ kind: 'report' }),
      { revision: 2, status: 'screening' },
      'approve',
      'published',
    ],
    ['approve after an edit made a newer revision', item(), { revision: 3, status: 'held' }, 'approve', null],
    ['remove after an edit made a newer revision', item(), { revision: 3, status: 'published' }, 'remove', null],
    ['approve an item kept after the author edited', item({ subjectChange: 'edited' }), { revision: 2, status: 'published' }, 'approve', null],
    ['remove after the author deleted', item({ subjectChange: 'deleted' }), { revision: 2, status: 'deleted' }, 'remove', null],
    ['anything on content that is gone', item(), null, 'approve', null],
    ['anything on deleted content', item(), { revision: 2, status: 'deleted' }, 'approve', null],
    ['approve a report item whose new revision screening rejected', item({ kind: 'report' }), { revision: 2, status: 'rejected' }, 'approve', null],
    ['uphold an appeal', item({ kind: 'appeal' }), { revision: 2, status: 'removed' }, 'approve', 'published'],
    ['refuse an appeal', item({ kind: 'appeal' }), { revision: 2, status: 'removed' }, 'remove', null],
  ] as const)('%s', (_case, it, subject, action, expected) => {
    expect(contentEffect(it, subject, action)).toBe(expected);
  });
});

describe('maySanction', () => {
  it.each([
    ['a supporter, a member', { isAdmin: false }, { isStaff: false }, 'post', true],
    ['a supporter, a fellow supporter', { isAdmin: false }, { isStaff: true }, 'post', false],
    ['an admin, a supporter', { isAdmin: true }, { isStaff: true }, 'report', true],
    ['anyone, an author who left', { isAdmin: true }, null, 'post', false],
    ['anyone, through an appeal', { isAdmin: true }, { isStaff: false }, 'appeal', false],
  ] as const)('%s', (_case, caller, author, kind, expected) => {
    expect(maySanction(caller, author, kind)).toBe(expected);
  });
});

describe('changeReason', () => {
  it('says what became of the words, from the author', () => {
    expect(changeReason('edited')).toMatchObject({ source: 'author', detail: expect.stringMatching(/edited/) });
    expect(changeReason('deleted').detail).toMatch(/deleted/);
    expect(changeReason('erased').detail).toMatch(/left Kindred/);
  });
});
