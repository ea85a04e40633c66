import { groupsContext, person, rejection } from '../groups.spec-kit';

const USER = '00000000-0000-4000-8000-0000000000a1';

describe('MembershipService (in-memory repositories)', () => {
  it('only admins appoint supporters, of a group and a person that exist', async () => {
    const { memberships, group, dateOfBirth } = groupsContext();
    const g = group();
    expect((await rejection(memberships.appointSupporter(person('s', false), g.id, USER)))?.code).toBe('FORBIDDEN');
    expect((await rejection(memberships.appointSupporter(person('a', true), '00000000-0000-4000-8000-00000000ffff', USER)))?.code).toBe('NOT_FOUND');
    expect((await rejection(memberships.appointSupporter(person('a', true), g.id, USER)))?.code).toBe('NOT_FOUND');
    dateOfBirth.set(USER, '1990-01-01');
    await memberships.appointSupporter(person('a', true), g.id, USER);
    await expect(memberships.find(USER, g.id)).resolves.toMatchObject({ role: 'supporter', status: 'active' });
  });

  it('will not make a banned person a supporter (409), and publishes membership.changed for each change', async () => {
    const { memberships, group, dateOfBirth, published } = groupsContext();
    const g = group();
    dateOfBirth.set(USER, '1990-01-01');
    await memberships.ban(USER, g.id);
    expect(await rejection(memberships.appointSupporter(person('a', true), g.id, USER))).toMatchObject({ code: 'CONFLICT', reason: 'SUPPORTER_BANNED' });
    expect(published).toEqual([{ name: 'membership.changed', payload: { userId: USER, groupId: g.id } }]);
  });

  it('404s a mute of someone with no membership, and removing a supporter who is not one', async () => {
    const { memberships, group } = groupsContext();
    const g = group();
    expect((await rejection(memberships.mute(USER, g.id, new Date(Date.now() + 60_000))))?.code).toBe('NOT_FOUND');
    expect((await rejection(memberships.removeSupporter(person('a', true), g.id, USER)))?.code).toBe('NOT_FOUND');
  });

  it("shows a person's own memberships with the agreement they accepted and only a mute still in force", async () => {
    const { memberships, group, store } = groupsContext();
    const g = group();
    store.memberships.push({ userId: USER, groupId: g.id, role: 'member', status: 'active', mutedUntil: new Date(Date.now() - 1), joinedAt: new Date() });
    store.acceptances.push({ userId: USER, groupId: g.id, version: 1, acceptedAt: new Date() });
    await expect(memberships.membershipsOf(USER)).resolves.toEqual([{ groupId: g.id, role: 'member', acceptedAgreementVersion: 1, mutedUntil: null }]);
  });
});
