import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { AuditEntry } from '../../../libs/audit/src/audit-entry.entity';
import { AuditLogRepository } from '../../../libs/audit/src/audit-log.repository';

describe('AuditLogRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let audit: AuditLogRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([AuditEntry]);
    audit = new AuditLogRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  it('appends in the caller’s transaction and pages a group’s entries newest first', async () => {
    // The log keeps ids without foreign keys (history outlives what it names), so any group id will do.
    const group = randomUUID();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    const subjectId = randomUUID();
    await inTransaction(dataSource, async (tx) => {
      for (const minute of [1, 2, 3]) {
        await audit.append(tx, { actorId: null, action: `a${minute}`, groupId: group, subjectType: 'post', subjectId, at: at(minute), detail: { minute } });
      }
    });
    const page = await audit.page(group, 50, null);
    expect(page.map((e) => e.action)).toEqual(['a3', 'a2', 'a1']);
    expect(page[0]).toMatchObject({ subjectId, actorId: null, at: at(3) });
    const before = await audit.page(group, 50, { at: at(2).toISOString(), id: page[1]!.id });
    expect(before.map((e) => e.detail)).toEqual([{ minute: 1 }]);
  });
});
