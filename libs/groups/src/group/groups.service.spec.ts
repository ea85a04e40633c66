import { groupsContext, person, rejection } from '../groups.spec-kit';

const INPUT = { slug: 'lupus', name: '  Living with Lupus ', description: 'd', condition: 'lupus' };

describe('GroupsService (in-memory repositories)', () => {
  it('an admin creates a group with the template agreement, trimmed, 18+ by default', async () => {
    const { groups, store } = groupsContext();
    const view = await groups.create(person('a', true), INPUT);
    expect(view).toMatchObject({ name: 'Living with Lupus', eligibility: { minAge: 18, questions: [] }, chatRetentionDays: 90 });
    expect(store.currentVersion(view.id)).toBe(1);
  });

  it('refuses non-admins and a slug already taken', async () => {
    const { groups } = groupsContext();
    expect((await rejection(groups.create(person('m'), INPUT)))?.code).toBe('FORBIDDEN');
    await groups.create(person('a', true), INPUT);
    expect(await rejection(groups.create(person('a', true), INPUT))).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN' });
  });

  it('hides the expected answers from the directory and shows them to moderators', async () => {
    const { groups, store } = groupsContext();
    const eligibility = { minAge: 18, questions: [{ key: 'dx', prompt: 'Diagnosed?', required: true, expected: 'yes' }] };
    const view = await groups.create(person('a', true), { ...INPUT, eligibility });
    expect((await groups.get(undefined, view.id)).eligibility.questions[0]).not.toHaveProperty('expected');
    expect((await groups.get(person('a', true), view.id)).eligibility.questions[0]).toHaveProperty('expected', 'yes');
    store.memberships.push({ userId: 's1', groupId: view.id, role: 'supporter', status: 'active', mutedUntil: null, joinedAt: new Date() });
    await expect(groups.supporterIds(view.id)).resolves.toEqual(['s1']);
  });

  it('pages the directory by name', async () => {
    const { groups } = groupsContext();
    for (const name of ['C', 'A', 'B']) await groups.create(person('a', true), { ...INPUT, slug: name.toLowerCase(), name });
    const first = await groups.directory({ limit: 2 });
    expect(first.items.map((g) => g.name)).toEqual(['A', 'B']);
    const next = await groups.directory({ limit: 2, cursor: first.nextCursor! });
    expect(next.items.map((g) => g.name)).toEqual(['C']);
  });
});
