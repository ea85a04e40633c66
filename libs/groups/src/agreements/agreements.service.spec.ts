import { groupsContext, person, rejection } from '../groups.spec-kit';

const CLAUSES = [{ key: 'kindness', title: 'Be kind', text: 'Be kind to each other.' }];

describe('AgreementsService (in-memory repositories)', () => {
  it('numbers each published version after the last, and announces it', async () => {
    const { agreements, group, published } = groupsContext();
    const g = group();
    await expect(agreements.publish(person('a', true), g.id, CLAUSES)).resolves.toMatchObject({ version: 2 });
    await expect(agreements.publish(person('a', true), g.id, CLAUSES)).resolves.toMatchObject({ version: 3 });
    expect(published.filter((e) => e.name === 'agreement.published').map((e) => e.payload)).toEqual([
      { groupId: g.id, version: 2 },
      { groupId: g.id, version: 3 },
    ]);
  });

  it('tells everyone taking part, but the banned and the publisher, that there is a new agreement to accept', async () => {
    const { agreements, group, store, notified } = groupsContext();
    const g = group();
    const joined = { groupId: g.id, role: 'member' as const, mutedUntil: null, joinedAt: new Date() };
    store.memberships.push(
      { ...joined, userId: 'm1', status: 'active' },
      { ...joined, userId: 'm2', status: 'banned' },
      { ...joined, userId: 'a', status: 'active' },
    );
    await agreements.publish(person('a', true), g.id, CLAUSES);
    expect(notified).toEqual([{ eventId: `agreement:${g.id}:2`, kind: 'agreement', recipients: ['m1'], groupId: g.id, path: `/groups/${g.id}/agreement` }]);
  });

  it('only admins publish, valid clauses, to a group that exists', async () => {
    const { agreements, group } = groupsContext();
    const g = group();
    expect((await rejection(agreements.publish(person('s'), g.id, CLAUSES)))?.code).toBe('FORBIDDEN');
    expect((await rejection(agreements.publish(person('a', true), g.id, [])))?.code).toBe('VALIDATION_FAILED');
    expect((await rejection(agreements.publish(person('a', true), '00000000-0000-4000-8000-00000000ffff', CLAUSES)))?.code).toBe('NOT_FOUND');
  });

  it('accepts only the current version (409 naming it), and keeps the first acceptance', async () => {
    const { agreements, group, store } = groupsContext();
    const g = group();
    store.memberships.push({ userId: 'm1', groupId: g.id, role: 'member', status: 'active', mutedUntil: null, joinedAt: new Date() });
    expect(await rejection(agreements.accept(person('m1'), g.id, 7))).toMatchObject({ code: 'CONFLICT', extra: { version: 1 } });
    const first = await agreements.accept(person('m1'), g.id, 1);
    const again = await agreements.accept(person('m1'), g.id, 1);
    expect(again.acceptedAt).toEqual(first.acceptedAt);
  });

  it('a cited clause must be in the current version', async () => {
    const { agreements, group } = groupsContext();
    const g = group();
    await agreements.publish(person('a', true), g.id, CLAUSES);
    await expect(agreements.assertClause(g.id, 'kindness')).resolves.toBeUndefined();
    expect((await rejection(agreements.assertClause(g.id, 'no-such-clause')))?.code).toBe('VALIDATION_FAILED');
  });
});
