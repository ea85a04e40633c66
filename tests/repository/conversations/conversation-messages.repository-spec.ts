import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { ConversationMessagesRepository } from '../../../libs/conversations/src/conversation-messages.repository';
import { ConversationsRepository } from '../../../libs/conversations/src/conversations.repository';

describe('conversation repositories on PostgreSQL', () => {
  let dataSource: DataSource;
  let conversations: ConversationsRepository;
  let messages: ConversationMessagesRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([]);
    conversations = new ConversationsRepository(dataSource);
    messages = new ConversationMessagesRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  async function open(): Promise<{ id: string; groupId: string; member: string; supporter: string }> {
    const groupId = await insertGroup(dataSource, { name: 'Check-in group' });
    const [member, supporter] = [await insertUser(dataSource), await insertUser(dataSource)];
    const c = await inTransaction(dataSource, (tx) =>
      conversations.insert(tx, {
        groupId,
        kind: 'check-in',
        openedBy: supporter,
        participants: [
          { userId: member, role: 'member' },
          { userId: supporter, role: 'supporter' },
        ],
      }),
    );
    return { id: c.id, groupId, member, supporter };
  }

  const write = async (conversationId: string, authorId: string, clientMsgId: string = randomUUID()) => {
    const statement = messages.insertStatement({ id: randomUUID(), conversationId, authorId, body: 'hello', clientMsgId });
    return (await dataSource.query(statement.sql, statement.params)) as unknown[];
  };

  it('writes into an open conversation once per clientMsgId, in the conversation’s group', async () => {
    const c = await open();
    await expect(write(c.id, c.member, 'same')).resolves.toHaveLength(1);
    await expect(write(c.id, c.member, 'same')).resolves.toHaveLength(0);
    const found = await messages.byClientMsgId(c.member, 'same');
    await expect(messages.find(found!.id)).resolves.toMatchObject({ groupId: c.groupId, status: 'screening' });
  });

  it('writes nothing once closed, and a close waiting on a write in flight lets it land first', async () => {
    const c = await open();
    await inTransaction(dataSource, (tx) => conversations.setStatus(tx, c.id, 'closed', c.supporter));
    await expect(write(c.id, c.member)).resolves.toHaveLength(0);

    const d = await open();
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const statement = messages.insertStatement({ id: randomUUID(), conversationId: d.id, authorId: d.member, body: 'in flight', clientMsgId: randomUUID() });
    await runner.query(statement.sql, statement.params);
    // The close waits for the write's share lock on the conversation; once the write commits, the close goes ahead.
    // A second connection of its own for the close: the write holds this pool's.
    const elsewhere = await repositoryDataSource([]);
    const closing = inTransaction(elsewhere, (tx) => new ConversationsRepository(elsewhere).setStatus(tx, d.id, 'closed', d.supporter));
    // Positive signal that the close is waiting: its UPDATE shows in pg_stat_activity as waiting on a lock.
    const deadline = Date.now() + 10_000;
    let waited = false;
    for (;;) {
      // Polled inside the write's transaction, where PostgreSQL keeps the first snapshot of pg_stat_activity
      // until told otherwise: without clearing it, a first look taken before the close began would be read forever.
      await runner.query(`SELECT pg_stat_clear_snapshot()`);
      const waiting = (await runner.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE conversations SET status%'`,
      )) as Array<{ n: number }>;
      waited = waiting[0]!.n > 0;
      if (waited || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(waited).toBe(true);
    await expect(runner.query(`SELECT status FROM conversations WHERE id = $1`, [d.id])).resolves.toEqual([{ status: 'open' }]);
    await runner.commitTransaction();
    await runner.release();
    await closing;
    await elsewhere.destroy();
    await expect(conversations.find(d.id)).resolves.toMatchObject({ status: 'closed' });
    await expect(messages.page(d.id, d.member, 10)).resolves.toHaveLength(1);
  });

  it('shows a reader published messages and their own, and an erased author leaves words and conversations behind', async () => {
    const c = await open();
    await write(c.id, c.member);
    const mine = await messages.page(c.id, c.member, 10);
    expect(mine).toHaveLength(1);
    await expect(messages.page(c.id, c.supporter, 10)).resolves.toEqual([]);
    await inTransaction(dataSource, (tx) => messages.applyVerdict(tx, mine[0]!.id, { status: 'published', body: 'hello', signposting: null }));
    await expect(messages.page(c.id, c.supporter, 10)).resolves.toHaveLength(1);
    await inTransaction(dataSource, async (tx) => {
      await messages.eraseAuthor(tx, c.member);
      await conversations.eraseParticipant(tx, c.member);
    });
    await expect(messages.find(mine[0]!.id)).resolves.toMatchObject({ body: '', authorId: null, status: 'deleted' });
    await expect(conversations.find(c.id)).resolves.toMatchObject({ status: 'closed' });
    await expect(conversations.roleOf(c.id, c.member)).resolves.toBeNull();
  });
});
