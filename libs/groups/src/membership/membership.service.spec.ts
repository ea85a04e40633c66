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

  describe('leaving a group', () => {
    const OTHER = '00000000-0000-4000-8000-0000000000a2';
    const member = (userId: string, groupId: string, role: 'member' | 'supporter' = 'member', status: 'active' | 'banned' = 'active') => ({
      userId,
      groupId,
      role,
      status,
      mutedUntil: null,
      joinedAt: new Date(),
    });

    it('ends the membership and tells the chat service at once', async () => {
      const { memberships, group, store, published } = groupsContext();
      const g = group();
      store.memberships.push(member(USER, g.id));
      await memberships.leave(person(USER, false), g.id);
      await expect(memberships.find(USER, g.id)).resolves.toBeNull();
      expect(published).toEqual([{ name: 'membership.changed', payload: { userId: USER, groupId: g.id } }]);
    });

    it('404s someone with nothing to leave, a ban included (a ban is not a membership and stays)', async () => {
      const { memberships, group, store, published } = groupsContext();
      const g = group();
      expect((await rejection(memberships.leave(person(USER, false), g.id)))?.code).toBe('NOT_FOUND');
      store.memberships.push(member(USER, g.id, 'member', 'banned'));
      expect((await rejection(memberships.leave(person(USER, false), g.id)))?.code).toBe('NOT_FOUND');
      await expect(memberships.find(USER, g.id)).resolves.toMatchObject({ status: 'banned' });
      expect(published).toEqual([]);
    });

    it("refuses the group's only supporter, and lets one go while another stays", async () => {
      const { memberships, group, store } = groupsContext();
      const g = group();
      store.memberships.push(member(USER, g.id, 'supporter'));
      expect(await rejection(memberships.leave(person(USER, false), g.id))).toMatchObject({ code: 'CONFLICT', reason: 'LAST_SUPPORTER' });
      await expect(memberships.find(USER, g.id)).resolves.toMatchObject({ role: 'supporter', status: 'active' });
      store.memberships.push(member(OTHER, g.id, 'supporter'));
      await memberships.leave(person(USER, false), g.id);
      await expect(memberships.find(USER, g.id)).resolves.toBeNull();
    });
  });
});
