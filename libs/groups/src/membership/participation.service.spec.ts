import { groupsContext, person, rejection } from '../groups.spec-kit';

describe('ParticipationService (in-memory repositories)', () => {
  it('answers 404 for a group that does not exist, and for an id that is not a uuid', async () => {
    const { participation } = groupsContext();
    expect((await rejection(participation.assertParticipant(person('u1'), '00000000-0000-4000-8000-00000000ffff')))?.code).toBe('NOT_FOUND');
    expect((await rejection(participation.assertParticipant(person('u1'), 'not-a-uuid')))?.code).toBe('NOT_FOUND');
  });

  it('refuses someone without a membership, and a banned person as banned', async () => {
    const { participation, memberships, group, store } = groupsContext();
    const g = group();
    expect((await rejection(participation.assertParticipant(person('u1'), g.id)))?.code).toBe('NOT_A_MEMBER');
    await memberships.ban('00000000-0000-4000-8000-0000000000b1', g.id);
    expect(store.membership('00000000-0000-4000-8000-0000000000b1', g.id)?.status).toBe('banned');
    expect((await rejection(participation.assertParticipant(person('00000000-0000-4000-8000-0000000000b1'), g.id)))?.code).toBe('BANNED');
  });

  it('asks a member to accept the current agreement, naming its version', async () => {
    const { participation, agreements, group, store } = groupsContext();
    const g = group();
    store.memberships.push({ userId: 'u1', groupId: g.id, role: 'member', status: 'active', mutedUntil: null, joinedAt: new Date() });
    const first = await rejection(participation.assertParticipant(person('u1'), g.id));
    expect(first).toMatchObject({ code: 'AGREEMENT_REQUIRED', extra: { version: 1 } });
    await agreements.accept(person('u1'), g.id, 1);
    await expect(participation.assertParticipant(person('u1'), g.id)).resolves.toMatchObject({ role: 'member', acceptedVersion: 1, currentVersion: 1 });
    await agreements.publish(person('admin', true), g.id, [{ key: 'kindness', title: 'Be kind', text: 'Be kind to each other.' }]);
    expect(await rejection(participation.assertParticipant(person('u1'), g.id))).toMatchObject({ code: 'AGREEMENT_REQUIRED', extra: { version: 2 } });
  });

  it('lets admins in as admins whatever their membership, and tells moderators from members', async () => {
    const { participation, group, store } = groupsContext();
    const g = group();
    store.acceptances.push({ userId: 'admin', groupId: g.id, version: 1, acceptedAt: new Date() });
    await expect(participation.assertParticipant(person('admin', true), g.id)).resolves.toMatchObject({ role: 'admin' });
    store.memberships.push({ userId: 's1', groupId: g.id, role: 'supporter', status: 'active', mutedUntil: null, joinedAt: new Date() });
    store.memberships.push({ userId: 'm1', groupId: g.id, role: 'member', status: 'active', mutedUntil: null, joinedAt: new Date() });
    await expect(participation.assertModerator(person('s1'), g.id)).resolves.toBe('supporter');
    expect((await rejection(participation.assertModerator(person('m1'), g.id)))?.code).toBe('FORBIDDEN');
    expect((await rejection(participation.assertModerator(person('m1'), g.id, { hideExistence: true })))?.code).toBe('NOT_FOUND');
  });

  it('reports a mute in force, and none once it has run out', async () => {
    const { participation, group, store } = groupsContext();
    const g = group();
    const member = {
      userId: 'm1',
      groupId: g.id,
      role: 'member' as const,
      status: 'active' as const,
      mutedUntil: new Date(Date.now() + 60_000),
      joinedAt: new Date(),
    };
    store.memberships.push(member);
    await expect(participation.sanction('m1', g.id)).resolves.toMatchObject({ kind: 'mute' });
    member.mutedUntil = new Date(Date.now() - 1000);
    await expect(participation.sanction('m1', g.id)).resolves.toBeNull();
  });
});
