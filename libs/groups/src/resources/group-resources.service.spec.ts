import { randomUUID } from 'node:crypto';
import type { ResourceInput, ResourceView, SignpostingService } from '@kindred/signposting';
import { groupsContext, person, rejection } from '../groups.spec-kit';
import { GroupResourcesService } from './group-resources.service';

/** The signposting directory kept in memory: the few calls the service makes, each group's entries in order. */
class FakeSignposting {
  entries = new Map<string, ResourceView[]>();
  removals: string[] = [];
  async resources(groupId: string) {
    return [...(this.entries.get(groupId) ?? [])];
  }
  async add(groupId: string, input: ResourceInput) {
    const view = { id: randomUUID(), description: '', ...input };
    this.entries.set(groupId, [...(this.entries.get(groupId) ?? []), view]);
    return view;
  }
  async remove(groupId: string, resourceId: string) {
    this.removals.push(resourceId);
    const before = this.entries.get(groupId) ?? [];
    this.entries.set(
      groupId,
      before.filter((r) => r.id !== resourceId),
    );
    return before.some((r) => r.id === resourceId);
  }
}

const ADMIN = person('admin', true);
const MEMBER = person('member');
const HELPLINE: ResourceInput = { kind: 'peer', title: 'Lupus UK helpline', phone: '01708 731251' };
const MISSING_GROUP = '00000000-0000-4000-8000-999999999999';

function resources() {
  const ctx = groupsContext();
  const group = ctx.group();
  const signposting = new FakeSignposting();
  const service = new GroupResourcesService(ctx.groups, signposting as unknown as SignpostingService);
  return { group, signposting, service };
}

describe('GroupResourcesService', () => {
  it("lists a group's directory to anyone, in order", async () => {
    const { service, group } = resources();
    const first = await service.add(ADMIN, group.id, HELPLINE);
    const second = await service.add(ADMIN, group.id, { kind: 'crisis', title: 'Samaritans', phone: '116 123' });
    expect(await service.list(group.id)).toEqual({ items: [first, second] });
  });

  it('is not found for a group that does not exist, whoever asks', async () => {
    const { service, signposting } = resources();
    expect((await rejection(service.list(MISSING_GROUP)))?.code).toBe('NOT_FOUND');
    expect((await rejection(service.list('not-a-group')))?.code).toBe('NOT_FOUND');
    expect((await rejection(service.add(ADMIN, MISSING_GROUP, HELPLINE)))?.code).toBe('NOT_FOUND');
    expect((await rejection(service.remove(ADMIN, MISSING_GROUP, randomUUID())))?.code).toBe('NOT_FOUND');
    expect(signposting.entries.size).toBe(0);
  });

  it('lets only admins add or remove entries', async () => {
    const { service, group, signposting } = resources();
    const entry = await service.add(ADMIN, group.id, HELPLINE);
    expect((await rejection(service.add(MEMBER, group.id, HELPLINE)))?.code).toBe('FORBIDDEN');
    expect((await rejection(service.remove(MEMBER, group.id, entry.id)))?.code).toBe('FORBIDDEN');
    expect(await service.list(group.id)).toEqual({ items: [entry] });
    expect(signposting.removals).toEqual([]);
  });

  it('removes an entry once; removing it again, or one of another group, is not found', async () => {
    const { service, group, signposting } = resources();
    const other = await service.add(ADMIN, group.id, HELPLINE);
    const entry = await service.add(ADMIN, group.id, { kind: 'crisis', title: 'Samaritans', phone: '116 123' });
    await service.remove(ADMIN, group.id, entry.id);
    expect(await service.list(group.id)).toEqual({ items: [other] });
    expect((await rejection(service.remove(ADMIN, group.id, entry.id)))?.code).toBe('NOT_FOUND');
    signposting.entries.set('another-group', [{ id: randomUUID(), kind: 'peer', title: 'Elsewhere', description: '' }]);
    expect((await rejection(service.remove(ADMIN, group.id, signposting.entries.get('another-group')![0]!.id)))?.code).toBe('NOT_FOUND');
    expect(signposting.entries.get('another-group')).toHaveLength(1);
  });

  it('is not found for a resource id that is not one, without asking the directory', async () => {
    const { service, group, signposting } = resources();
    expect((await rejection(service.remove(ADMIN, group.id, 'not-an-id')))?.code).toBe('NOT_FOUND');
    expect(signposting.removals).toEqual([]);
  });
});
