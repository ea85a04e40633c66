import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { ContentReport } from '../../../libs/moderation/src/reports/content-report.entity';
import { ContentReportsRepository } from '../../../libs/moderation/src/reports/content-reports.repository';

describe('ContentReportsRepository on PostgreSQL: telling reporters the outcome', () => {
  let dataSource: DataSource;
  let reports: ContentReportsRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([ContentReport]);
    reports = new ContentReportsRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  it('hands each untold reporter of one subject over once, and nobody of another subject', async () => {
    const groupId = await insertGroup(dataSource);
    const [first, second, elsewhere] = [await insertUser(dataSource), await insertUser(dataSource), await insertUser(dataSource)];
    const subjectId = randomUUID();
    const otherSubject = randomUUID();
    await inTransaction(dataSource, async (tx) => {
      for (const reporterId of [first, second]) {
        await reports.insert(tx, { groupId, subjectType: 'post', subjectId, reporterId, clauseKey: 'respect', note: null });
      }
      await reports.insert(tx, { groupId, subjectType: 'post', subjectId: otherSubject, reporterId: elsewhere, clauseKey: 'respect', note: null });
    });

    const told = await inTransaction(dataSource, (tx) => reports.takeUntoldReporters(tx, 'post', subjectId));
    expect(told.sort()).toEqual([first, second].sort());
    await expect(inTransaction(dataSource, (tx) => reports.takeUntoldReporters(tx, 'post', subjectId))).resolves.toEqual([]);
    // A message with the same id is another subject.
    await expect(inTransaction(dataSource, (tx) => reports.takeUntoldReporters(tx, 'message', otherSubject))).resolves.toEqual([]);
    await expect(inTransaction(dataSource, (tx) => reports.takeUntoldReporters(tx, 'post', otherSubject))).resolves.toEqual([elsewhere]);
  });

  it('tells nobody when the decision rolls back', async () => {
    const groupId = await insertGroup(dataSource);
    const reporter = await insertUser(dataSource);
    const subjectId = randomUUID();
    await inTransaction(dataSource, (tx) =>
      reports.insert(tx, { groupId, subjectType: 'message', subjectId, reporterId: reporter, clauseKey: 'respect', note: null }),
    );
    await expect(
      inTransaction(dataSource, async (tx) => {
        expect(await reports.takeUntoldReporters(tx, 'message', subjectId)).toEqual([reporter]);
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    await expect(inTransaction(dataSource, (tx) => reports.takeUntoldReporters(tx, 'message', subjectId))).resolves.toEqual([reporter]);
  });
});
