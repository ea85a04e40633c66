import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { ChatMessage } from '../../../libs/chat/src/message.entity';
import { MessagesRepository } from '../../../libs/chat/src/messages.repository';

describe('MessagesRepository on PostgreSQL', () => {
  let dataSource: DataSource;
  let messages: MessagesRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([ChatMessage]);
    messages = new MessagesRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  async function group(retentionDays = 90): Promise<string> {
    return insertGroup(dataSource, { name: 'Chat group', chatRetentionDays: retentionDays });
  }

  async function write(groupId: string, authorId: string, body: string): Promise<string> {
    const id = randomUUID();
    const statement = messages.insertStatement({ id, groupId, authorId, body, clientMsgId: `c-${id}` });
    await dataSource.query(statement.sql, statement.params);
    return id;
  }

  const publish = (id: string, body: string) => inTransaction(dataSource, (tx) => messages.publish(tx, [{ id, revision: 1, body }]));

  it('writes a message once per clientMsgId and finds it by it', async () => {
    const [g, a] = [await group(), await insertUser(dataSource)];
    const id = randomUUID();
    const statement = messages.insertStatement({ id, groupId: g, authorId: a, body: 'hi', clientMsgId: 'same' });
    await expect(dataSource.query(statement.sql, statement.params)).resolves.toHaveLength(1);
    const retry = messages.insertStatement({ id: randomUUID(), groupId: g, authorId: a, body: 'hi', clientMsgId: 'same' });
    await expect(dataSource.query(retry.sql, retry.params)).resolves.toHaveLength(0);
    await expect(messages.idByClientMsgId(a, 'same')).resolves.toBe(id);
    await expect(messages.status(id)).resolves.toBe('screening');
  });

  it('keeps an author’s order: a later message that passed waits until the earlier one is decided', async () => {
    const [g, a] = [await group(), await insertUser(dataSource)];
    const first = await write(g, a, 'first');
    const second = await write(g, a, 'second');
    await expect(publish(second, 'second (masked)')).resolves.toEqual([expect.objectContaining({ id: second, status: 'ready' })]);
    // The verdict says what it let out, for the source to deliver once it commits.
    await expect(
      inTransaction(dataSource, (tx) => messages.applyVerdict(tx, { id: first, groupId: g, authorId: a, revision: 1 }, { status: 'held', body: 'first' })),
    ).resolves.toEqual([expect.objectContaining({ id: second, status: 'published' })]);
    await expect(messages.find(second)).resolves.toMatchObject({ status: 'published', body: 'second (masked)' });
    await expect(messages.peek([first])).resolves.toEqual([expect.objectContaining({ subject: expect.objectContaining({ status: 'held' }) })]);
  });

  it('walks the published stream by position, and pages history either way', async () => {
    const [g, a] = [await group(), await insertUser(dataSource)];
    await expect(messages.latestPosition(g)).resolves.toBeNull();
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) {
      const id = await write(g, a, body);
      await publish(id, body);
      ids.push(id);
    }
    const since = await messages.publishedSince(g, { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' }, 10);
    expect(since.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    await expect(messages.latestPosition(g)).resolves.toEqual(since[2]!.position);
    await expect(messages.publishedSince(g, since[0]!.position, 10)).resolves.toHaveLength(2);
    expect((await messages.publishedPage(g, 2, { forward: false })).map((m) => m.body)).toEqual(['three', 'two']);
    expect((await messages.publishedPage(g, 5, { id: ids[0]!, forward: true })).map((m) => m.body)).toEqual(['two', 'three']);
    await expect(messages.wasPublishedIn(ids[0]!, g)).resolves.toBe(true);
    await expect(messages.wasPublishedIn(ids[0]!, await group())).resolves.toBe(false);
  });

  it('hides, removes and approves; counts published messages up to a bound', async () => {
    const [g, a] = [await group(), await insertUser(dataSource)];
    const id = await write(g, a, 'words');
    await inTransaction(dataSource, (tx) => messages.approve(tx, id));
    await expect(messages.publishedCount(a, g, 5)).resolves.toBe(1);
    await inTransaction(dataSource, (tx) => messages.hide(tx, id));
    await expect(messages.status(id)).resolves.toBe('hidden');
    await inTransaction(dataSource, (tx) => messages.remove(tx, id));
    await expect(messages.status(id)).resolves.toBe('removed');
  });

  it('exports a person’s messages and erases their words, keeping the rows', async () => {
    const [g, a] = [await group(), await insertUser(dataSource)];
    const id = await write(g, a, 'private words');
    await expect(messages.exportFor(a)).resolves.toEqual([expect.objectContaining({ id, body: 'private words', groupId: g })]);
    await inTransaction(dataSource, async (tx) => {
      await expect(messages.lockBodies(tx, [id])).resolves.toEqual([{ id, body: 'private words' }]);
      await messages.eraseAuthor(tx, a);
    });
    await expect(messages.find(id)).resolves.toMatchObject({ body: '', status: 'deleted', authorId: null });
  });

  it('purges messages past their group’s period, keeping those in screening or awaiting review', async () => {
    const [g, a] = [await group(1), await insertUser(dataSource)];
    const [old, screening, reviewed, fresh] = [
      await write(g, a, 'old'),
      await write(g, a, 'screening'),
      await write(g, a, 'reviewed'),
      await write(g, a, 'fresh'),
    ];
    await dataSource.query(`UPDATE messages SET status = 'published' WHERE id = ANY($1::uuid[])`, [[old, reviewed, fresh]]);
    await dataSource.query(`UPDATE messages SET created_at = now() - interval '2 days' WHERE id = ANY($1::uuid[])`, [[old, screening, reviewed]]);
    await dataSource.query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, due_at) VALUES ($1, 'report', 'message', $2, 'normal', now())`,
      [g, reviewed],
    );
    const counts = await messages.purgeExpired(1000);
    expect(counts.get(g)).toBe(1);
    expect((await messages.findMany([old, screening, reviewed, fresh])).map((m) => m.body).sort()).toEqual(['fresh', 'reviewed', 'screening']);
  });
});
