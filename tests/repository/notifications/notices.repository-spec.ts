import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { Notice } from '../../../libs/notifications/src/notice.entity';
import { NoticesRepository } from '../../../libs/notifications/src/notices.repository';

describe('NoticesRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let notices: NoticesRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([Notice]);
    notices = new NoticesRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const row = (userId: string, message: string) => ({
    userId,
    kind: 'removal' as const,
    groupId: null,
    subjectId: randomUUID(),
    clauseKey: 'kindness',
    message,
    resources: [{ name: 'Line' }],
    appealable: true,
  });

  it('writes a notice with its id and time, in a transaction or on its own, and finds it', async () => {
    const user = await insertUser(dataSource);
    const own = await notices.insert(row(user, 'own'));
    expect(own).toMatchObject({ id: expect.any(String), createdAt: expect.any(Date) });
    const inTx = await inTransaction(dataSource, (tx) => notices.insert(row(user, 'in tx'), tx));
    await expect(notices.find(inTx.id)).resolves.toMatchObject({ userId: user, message: 'in tx', resources: [{ name: 'Line' }], appealable: true });
    await expect(notices.find(randomUUID())).resolves.toBeNull();
  });

  it('pages newest first before a cursor, exports in order, erases a person’s notices', async () => {
    const user = await insertUser(dataSource);
    for (const [i, message] of ['a', 'b', 'c'].entries()) {
      const notice = await notices.insert(row(user, message));
      // Distinct times: rows written within one millisecond would tie.
      await dataSource.query(`UPDATE notices SET created_at = now() - make_interval(mins => $2) WHERE id = $1`, [notice.id, 10 - i]);
    }
    const first = await notices.page(user, 2, null);
    expect(first.map((n) => n.message)).toEqual(['c', 'b']);
    const last = first[1]!;
    expect((await notices.page(user, 2, { at: last.createdAt.toISOString(), id: last.id })).map((n) => n.message)).toEqual(['a']);
    expect((await notices.exportFor(user)).map((n) => n.message)).toEqual(['a', 'b', 'c']);
    await inTransaction(dataSource, (tx) => notices.eraseFor(tx, user));
    await expect(notices.page(user, 5, null)).resolves.toEqual([]);
  });

  it('purges notices older than the period, counting them per group', async () => {
    const user = await insertUser(dataSource);
    const old = await notices.insert(row(user, 'old'));
    await dataSource.query(`UPDATE notices SET created_at = now() - interval '400 days' WHERE id = $1`, [old.id]);
    const counts = await notices.purgeOlderThan(365, 1);
    expect(counts.get('')).toBeGreaterThanOrEqual(1);
    await expect(notices.find(old.id)).resolves.toBeNull();
    expect(await notices.page(user, 5, null)).toHaveLength(0);
  });
});
