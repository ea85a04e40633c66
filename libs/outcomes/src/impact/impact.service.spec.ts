import type { GroupsService } from '@kindred/groups';
import type { AuthUser } from '@kindred/identity';
import type { CommissionersRepository } from '../commissioners/commissioners.repository';
import { CommissionersService } from '../commissioners/commissioners.service';
import { FakeCommissionersRepository, FakeOutcomesStore } from '../outcomes.fakes';
import type { ImpactRepository, ReportScope } from './impact.repository';
import { ImpactService, months } from './impact.service';

const G1 = '11111111-1111-4111-8111-111111111111';
const G2 = '22222222-2222-4222-8222-222222222222';
const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: 's' });

function setUp() {
  const store = new FakeOutcomesStore();
  const scopes: ReportScope[] = [];
  const impact = {
    members: async (scope: ReportScope) => {
      scopes.push(scope);
      return [{ month: '2026-12', members: 4, joined: 4 }];
    },
    activity: async () => [],
    moderation: async () => [],
    outcomes: async () => [],
    relationships: async () => null,
  } as unknown as ImpactRepository;
  const groups = {
    assertExists: async (id: string) => {
      if (![G1, G2].includes(id)) throw Object.assign(new Error('not found'), { code: 'NOT_FOUND' });
    },
  } as unknown as GroupsService;
  const commissioners = new CommissionersService(new FakeCommissionersRepository(store) as unknown as CommissionersRepository, groups, {} as never);
  return { store, scopes, service: new ImpactService(impact, commissioners, groups) };
}

const NOW = new Date('2026-12-05T10:00:00Z');

describe('ImpactService (in-memory repositories)', () => {
  it('answers members and supporters 403: the report is for admins and commissioners', async () => {
    const { service } = setUp();
    await expect(service.report(person('member'), { groupId: G1 }, NOW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.access(person('member'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps a group’s commissioner to that group, and platform commissioners and admins to any', async () => {
    const { service, store, scopes } = setUp();
    store.grants.push({ id: 'x', userId: 'c1', groupId: G1, grantedAt: NOW }, { id: 'y', userId: 'p1', groupId: null, grantedAt: NOW });
    const report = await service.report(person('c1'), { groupId: G1 }, NOW);
    expect(scopes.at(-1)!.groupIds).toEqual([G1]);
    // Four members is fewer than ten: withheld before it leaves the service.
    expect(report.members).toEqual([{ month: '2026-12', members: null, joined: null }]);
    await expect(service.report(person('c1'), { groupId: G2 }, NOW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.report(person('c1'), {}, NOW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await service.report(person('p1'), {}, NOW);
    expect(scopes.at(-1)!.groupIds).toBeNull();
    await service.report(person('admin', true), { groupId: G2 }, NOW);
    expect(scopes.at(-1)!.groupIds).toEqual([G2]);
    await expect(service.report(person('admin', true), { groupId: 'nope' }, NOW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('covers whole months, twelve by default, at most thirty-six', () => {
    expect(months({}, NOW)).toEqual({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    expect(months({ from: '2024-01', to: '2026-12' }, NOW).from).toEqual(new Date('2024-01-01T00:00:00Z'));
    for (const query of [{ from: '2023-12', to: '2026-12' }, { from: '2026-13' }, { to: '26-01' }, { from: '2026-12', to: '2026-11' }]) {
      expect(() => months(query, NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});
