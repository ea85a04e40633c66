import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { Resource, ResourceKind } from './resource.entity';
import type { NewResource, ResourcesRepository } from './resources.repository';
import { SignpostingService } from './signposting.service';

/** ResourcesRepository kept in memory: the same interface, the directory's order by position. */
class FakeResourcesRepository implements Pick<ResourcesRepository, keyof ResourcesRepository> {
  rows: Resource[] = [];
  async list(groupId: string, kind?: ResourceKind) {
    return this.rows.filter((r) => r.groupId === groupId && (!kind || r.kind === kind)).sort((a, b) => a.position - b.position);
  }
  async append(values: NewResource) {
    const position = Math.max(-1, ...this.rows.filter((r) => r.groupId === values.groupId).map((r) => r.position)) + 1;
    return this.put(values, position);
  }
  async insertAll(_tx: Tx, entries: NewResource[]) {
    entries.forEach((e, position) => this.put(e, position));
  }
  async remove(groupId: string, id: string) {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !(r.id === id && r.groupId === groupId));
    return this.rows.length < before;
  }
  private put(values: NewResource, position: number): Resource {
    const row = { ...values, id: randomUUID(), position, createdAt: new Date() } as Resource;
    this.rows.push(row);
    return row;
  }
}

function service() {
  const repository = new FakeResourcesRepository();
  return { repository, signposting: new SignpostingService(repository as unknown as ResourcesRepository) };
}

describe('SignpostingService (in-memory repository)', () => {
  it('seeds a new group with crisis lines, and lists only those as crisis resources', async () => {
    const { signposting } = service();
    await signposting.seedDefaults('g1', {} as Tx);
    const all = await signposting.resources('g1');
    const crisis = await signposting.crisisResources('g1');
    expect(crisis.length).toBeGreaterThan(0);
    expect(crisis.every((r) => r.kind === 'crisis')).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(crisis.length);
  });

  it('adds at the end, trimmed, leaving out absent contact routes', async () => {
    const { signposting } = service();
    await signposting.seedDefaults('g1', {} as Tx);
    const added = await signposting.add('g1', { kind: 'peer', title: '  Local group ', url: ' https://example.org ', phone: '  ' });
    expect(added).toEqual({ id: added.id, kind: 'peer', title: 'Local group', description: '', url: 'https://example.org' });
    const all = await signposting.resources('g1');
    expect(all[all.length - 1].id).toBe(added.id);
  });

  it('removes only an entry of the group it is asked about', async () => {
    const { signposting } = service();
    const added = await signposting.add('g1', { kind: 'peer', title: 'x' });
    await expect(signposting.remove('g2', added.id)).resolves.toBe(false);
    await expect(signposting.remove('g1', added.id)).resolves.toBe(true);
  });
});
