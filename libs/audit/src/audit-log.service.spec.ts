import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { GroupsService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuditEntry } from './audit-entry.entity';
import type { AuditLogRepository, NewAuditRow } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';

class FakeAuditLogRepository implements Pick<AuditLogRepository, keyof AuditLogRepository> {
  rows: AuditEntry[] = [];
  async append(_tx: Tx, entry: NewAuditRow) {
    this.rows.push({ ...entry, id: randomUUID() });
  }
  async page(groupId: string, limit: number, before: { at: string; id: string } | null) {
    return this.rows
      .filter((e) => e.groupId === groupId && (!before || e.at.getTime() < Date.parse(before.at)))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit);
  }
}

function service() {
  const repository = new FakeAuditLogRepository();
  const groups = {
    assertExists: async (id: string) => {
      if (id !== 'g1') throw DomainError.notFound('That group');
    },
  } as unknown as GroupsService;
  return { repository, audit: new AuditLogService(repository as unknown as AuditLogRepository, groups) };
}

const admin = { id: 'a', displayName: 'A', isAdmin: true, sessionId: 's' };
const entry = (action: string) => ({ actorId: 'a', action, groupId: 'g1', subjectType: 'post', subjectId: randomUUID(), detail: {} });

describe('AuditLogService (in-memory repository)', () => {
  it('lets only admins read a group’s log, newest first, a page at a time', async () => {
    const { audit } = service();
    for (const [i, action] of ['first', 'second', 'third'].entries()) await audit.record({} as Tx, entry(action), new Date(Date.UTC(2026, 0, 1, 0, i)));
    await expect(audit.list({ ...admin, isAdmin: false }, 'g1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(audit.list(admin, 'g2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const first = await audit.list(admin, 'g1', { limit: 2 });
    expect(first.items.map((e) => e.action)).toEqual(['third', 'second']);
    const rest = await audit.list(admin, 'g1', { limit: 2, cursor: first.nextCursor! });
    expect(rest).toMatchObject({ items: [{ action: 'first', actor: 'a', subjectType: 'post' }], nextCursor: null });
  });
});
