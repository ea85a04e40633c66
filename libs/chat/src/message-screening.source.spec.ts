import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { MembershipService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import type { NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { ScreeningSubject, VerdictToApply } from '@kindred/moderation';
import { ChatMessage, type MessageStatus } from './message.entity';
import { MessageScreeningSource } from './message-screening.source';
import type { MessagesRepository } from './messages.repository';

const tx = {} as Tx;
const SENT_AT = new Date('2026-03-01T10:00:00Z');

/** The messages the source reads, in memory; `finds` counts the reads after a verdict. */
class FakeMessages {
  rows = new Map<string, ChatMessage>();
  finds = 0;
  calls: string[] = [];
  add(values: Partial<ChatMessage> & { id: string }): ChatMessage {
    const row = Object.assign(new ChatMessage(), {
      groupId: 'g1',
      authorId: 'sam',
      body: 'hello all',
      status: 'screening' as MessageStatus,
      revision: 1,
      clientMsgId: `c-${values.id}`,
      createdAt: SENT_AT,
      ...values,
    });
    this.rows.set(row.id, row);
    return row;
  }
  subject(id: string): ScreeningSubject {
    const m = this.rows.get(id)!;
    return { type: 'message', id, groupId: m.groupId, authorId: m.authorId, body: m.body, revision: m.revision, status: m.status };
  }
  async lockForVerdict(_tx: Tx, id: string) {
    const m = this.rows.get(id);
    return m ? { subject: this.subject(id), clientMsgId: m.clientMsgId, createdAt: m.createdAt } : null;
  }
  async find(id: string) {
    this.finds += 1;
    const m = this.rows.get(id);
    return m ? { ...m } : null;
  }
  async findMany(ids: string[]) {
    return ids.flatMap((id) => (this.rows.has(id) ? [this.rows.get(id)!] : []));
  }
  /** Waiting messages the next decision lets out (published with it), as MessagesRepository.publish would find them. */
  lettingOut: string[] = [];
  async applyVerdict(tx: Tx, subject: ScreeningSubject, v: VerdictToApply): Promise<ScreeningSubject[]> {
    if (v.status === 'published') return this.publish(tx, [{ id: subject.id }]);
    this.rows.get(subject.id)!.status = v.status;
    return this.letOut();
  }
  /** Messages that pass but find an earlier one of their author still in screening, so wait as `ready`. */
  waits = new Set<string>();
  async publish(_tx: Tx, items: Array<{ id: string }>): Promise<ScreeningSubject[]> {
    for (const { id } of items) this.rows.get(id)!.status = this.waits.has(id) ? 'ready' : 'published';
    return [...items.map(({ id }) => this.subject(id)), ...this.letOut()];
  }
  private letOut(): ScreeningSubject[] {
    const out = this.lettingOut.map((id) => {
      this.rows.get(id)!.status = 'published';
      return this.subject(id);
    });
    this.lettingOut = [];
    return out;
  }
  async remove(_tx: Tx, id: string) {
    this.calls.push(`remove ${id}`);
  }
  async approve(_tx: Tx, id: string) {
    this.calls.push(`approve ${id}`);
  }
}

function source() {
  const messages = new FakeMessages();
  const published: Array<{ name: string; payload: Record<string, unknown> }> = [];
  const events = { publish: async (name: string, payload: Record<string, unknown>) => void published.push({ name, payload }) };
  const identity = {
    displayNames: async (ids: string[]) => new Map(ids.filter((id) => id === 'sam').map((id) => [id, 'KidneyWarrior'])),
    mentionedIn: async (text: string, among: (ids: string[]) => Promise<string[]>) =>
      among(['robin', 'outsider', 'sam'].filter((id) => text.includes(`@${id}`))),
  };
  const notified: NotificationEvent[] = [];
  /** Notifications written in a verdict's transaction, with the transaction, and whether its after-commit work ran. */
  const within: Array<{ tx: Tx; events: NotificationEvent[]; told: boolean }> = [];
  const notifications = {
    notify: async (event: NotificationEvent) => void notified.push(event),
    notifyWithin: async (tx: Tx, events: NotificationEvent[]) => {
      const written = { tx, events, told: false };
      within.push(written);
      return async () => void (written.told = true);
    },
  };
  const service = new MessageScreeningSource(
    messages as unknown as MessagesRepository,
    identity as unknown as IdentityService,
    events as unknown as EventBus,
    notifications as unknown as NotificationsService,
    { activeAmong: async (_groupId: string, ids: string[]) => ids.filter((id) => id !== 'outsider') } as unknown as MembershipService,
  );
  return { messages, published, service, notified, within };
}

const verdict = (status: VerdictToApply['status'], body = 'hello all'): VerdictToApply => ({ status, body, signposting: null });

describe('MessageScreeningSource', () => {
  describe('afterVerdict (what the room and the author hear)', () => {
    it('delivers a published message with its screened words and author, for the sender to match to what they sent', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'm1', body: 'call me on 07700 900123' });
      const subject = (await service.lockForVerdict(tx, 'm1'))!;
      await service.afterVerdict(subject, verdict('published', 'call me on ***'), []);
      expect(published).toEqual([
        {
          name: 'message.screened',
          payload: {
            id: 'm1',
            groupId: 'g1',
            authorId: 'sam',
            clientMsgId: 'c-m1',
            status: 'published',
            message: {
              id: 'm1',
              groupId: 'g1',
              author: { id: 'sam', displayName: 'KidneyWarrior' },
              body: 'call me on ***',
              createdAt: SENT_AT.toISOString(),
              clientMsgId: 'c-m1',
            },
          },
        },
      ]);
      expect(messages.finds).toBe(0);
    });

    it('tells the author a held message is held, with the reasons, without delivering its words', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'm1' });
      const reasons = [{ source: 'rules', detail: 'watched word' }];
      await service.afterVerdict((await service.lockForVerdict(tx, 'm1'))!, verdict('held'), reasons);
      expect(published).toEqual([
        { name: 'message.screened', payload: { id: 'm1', groupId: 'g1', authorId: 'sam', clientMsgId: 'c-m1', status: 'held', reasons } },
      ]);
    });

    it('tells the author a rejected message was not sent, naming the clause of the blocking reason', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'm1' });
      messages.add({ id: 'm2' });
      await service.afterVerdict((await service.lockForVerdict(tx, 'm1'))!, verdict('rejected'), [
        { source: 'rules', detail: 'blocked', clauseKey: 'no-selling' },
        { source: 'rules', detail: 'held', clauseKey: 'kindness' },
      ]);
      await service.afterVerdict((await service.lockForVerdict(tx, 'm2'))!, verdict('rejected'), [{ source: 'rules', detail: 'blocked' }]);
      expect(published.map((p) => p.payload.rejection)).toEqual([
        { clauseKey: 'no-selling', message: 'Your message was not sent to the group because it goes against the group agreement.' },
        { clauseKey: null, message: 'Your message was not sent to the group because it goes against the group agreement.' },
      ]);
      expect(JSON.stringify(published)).not.toContain('hello all');
    });

    it('says nothing of a message waiting for an earlier one of its author, nor of one whose author was erased', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'waiting', status: 'ready' });
      messages.add({ id: 'orphan', authorId: null });
      await service.afterVerdict((await service.lockForVerdict(tx, 'waiting'))!, verdict('published'), []);
      await service.afterVerdict((await service.lockForVerdict(tx, 'orphan'))!, verdict('published'), []);
      expect(published).toEqual([]);
    });

    it('reads the message again when the verdict was not preceded by a locking read here, and says nothing of one gone', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'm1' });
      await service.afterVerdict(messages.subject('m1'), verdict('published'), []);
      expect(messages.finds).toBe(1);
      expect(published[0]!.payload).toMatchObject({ id: 'm1', clientMsgId: 'c-m1', status: 'published' });
      const gone = messages.subject('m1');
      messages.rows.delete('m1');
      await service.afterVerdict(gone, verdict('published'), []);
      expect(published).toHaveLength(1);
    });
  });

  describe('messages a verdict let out (they waited for an earlier one of their author)', () => {
    it('writes their @mentions in the transaction of the held verdict that let them out, and hands them on after its commit', async () => {
      const { messages, service, within, notified } = source();
      messages.add({ id: 'first', body: 'I feel awful today' });
      messages.add({ id: 'second', body: 'thanks @robin and @outsider', status: 'ready' });
      messages.add({ id: 'third', body: 'anyone around?', status: 'ready' });
      messages.lettingOut = ['second', 'third'];
      const verdictTx = {} as Tx;
      const subject = (await service.lockForVerdict(verdictTx, 'first'))!;
      await service.applyVerdict(verdictTx, subject, verdict('held'));
      const afterCommit = await service.followVerdicts(verdictTx, [{ subject, verdict: verdict('held') }]);
      expect(within).toEqual([
        {
          tx: verdictTx,
          events: [expect.objectContaining({ eventId: 'mention:second', kind: 'mention', recipients: ['robin'], groupId: 'g1', subjectId: null })],
          told: false,
        },
      ]);
      expect(JSON.stringify(within)).not.toContain('thanks');
      await afterCommit();
      expect(within[0]!.told).toBe(true);
      // Not said twice by the after-commit path.
      await service.afterVerdict(subject, verdict('held'), []);
      expect(notified).toEqual([]);
    });

    it('keeps what each transaction let out to itself', async () => {
      const { messages, service, within } = source();
      messages.add({ id: 'first' });
      messages.add({ id: 'waiting', body: 'hi @robin', status: 'ready' });
      messages.lettingOut = ['waiting'];
      const [rolledBack, other] = [{} as Tx, {} as Tx];
      await service.applyVerdict(rolledBack, (await service.lockForVerdict(rolledBack, 'first'))!, verdict('rejected'));
      // The first transaction never reaches followVerdicts (it failed); another verdict's owes nothing of it.
      messages.add({ id: 'next' });
      const subject = (await service.lockForVerdict(other, 'next'))!;
      await service.applyVerdict(other, subject, verdict('published'));
      await service.followVerdicts(other, [{ subject, verdict: verdict('published') }]);
      expect(within).toEqual([{ tx: other, events: [], told: false }]);
    });

    it('returns only the batch it was given from publishMany, and the batch owes the mentions of what it let out', async () => {
      const { messages, service, within } = source();
      messages.add({ id: 'first' });
      messages.add({ id: 'waiting', body: 'hi @robin', status: 'ready' });
      messages.lettingOut = ['waiting'];
      const batchTx = {} as Tx;
      const batch = await service.publishMany(batchTx, [{ id: 'first', revision: 1, body: 'hello all' }]);
      expect(batch.map((subject) => [subject.id, subject.status])).toEqual([['first', 'published']]);
      await service.followVerdicts(
        batchTx,
        batch.map((subject) => ({ subject, verdict: verdict('published') })),
      );
      expect(within.map((w) => w.events.map((e) => e.eventId))).toEqual([['mention:waiting']]);
    });
  });

  describe("a moderator's decision", () => {
    it('removes a message and tells the room to take it down', async () => {
      const { messages, published, service } = source();
      await service.setStatus(tx, 'm1', 'removed');
      await service.afterStatusChange('m1', 'g1', 'removed');
      expect(messages.calls).toEqual(['remove m1']);
      expect(published).toEqual([{ name: 'message.removed', payload: { id: 'm1', groupId: 'g1' } }]);
    });

    it('delivers an approved message once it is published, and nothing while it is not', async () => {
      const { messages, published, service } = source();
      messages.add({ id: 'm1', status: 'published' });
      messages.add({ id: 'm2', status: 'screening' });
      await service.setStatus(tx, 'm1', 'published');
      await service.afterStatusChange('m1', 'g1', 'published');
      await service.afterStatusChange('m2', 'g1', 'published');
      expect(messages.calls).toEqual(['approve m1']);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ name: 'message.screened', payload: { id: 'm1', status: 'published', message: { body: 'hello all' } } });
    });
  });

  it('shows reviewers the words and author, a former member by that name', async () => {
    const { messages, service } = source();
    messages.add({ id: 'm1', status: 'held' });
    messages.add({ id: 'm2', authorId: 'alex' });
    const views = await service.describe(['m1', 'm2']);
    expect(views.get('m1')).toEqual({
      type: 'message',
      id: 'm1',
      body: 'hello all',
      author: { id: 'sam', displayName: 'KidneyWarrior' },
      groupId: 'g1',
      status: 'held',
    });
    expect(views.get('m2')!.author).toEqual({ id: 'alex', displayName: 'Former member' });
  });

  describe('@mentions', () => {
    /** One verdict as screening applies it one by one: locked, applied and followed up in its transaction; returns what was written there. */
    async function decideAlone(service: MessageScreeningSource, within: Array<{ tx: Tx; events: NotificationEvent[] }>, id: string, v: VerdictToApply) {
      const verdictTx = {} as Tx;
      const subject = (await service.lockForVerdict(verdictTx, id))!;
      await service.applyVerdict(verdictTx, subject, v);
      await (
        await service.followVerdicts(verdictTx, [{ subject, verdict: v }])
      )();
      await service.afterVerdict(subject, v, []);
      return within.filter((w) => w.tx === verdictTx).flatMap((w) => w.events);
    }

    it('writes, with the verdict, a notice to the members of the group a published message mentions, not its author nor anyone outside the group, ids only', async () => {
      const { messages, service, notified, within } = source();
      messages.add({ id: 'm1', body: 'thanks @robin, @outsider and @sam' });
      const written = await decideAlone(service, within, 'm1', verdict('published', 'thanks @robin, @outsider and @sam'));
      expect(written).toEqual([
        expect.objectContaining({ eventId: 'mention:m1', kind: 'mention', recipients: ['robin'], groupId: 'g1', path: '/community/g1/chat' }),
      ]);
      expect(JSON.stringify(written)).not.toContain('thanks');
      // Nothing more after the commit: it was written with the verdict.
      expect(notified).toEqual([]);
    });

    it('uses the words as screened, so a masked mention tells nobody', async () => {
      const { messages, service, within } = source();
      messages.add({ id: 'm1', body: '@robin call me on 07700 900123' });
      expect(await decideAlone(service, within, 'm1', verdict('published', '*** call me on ***'))).toEqual([]);
    });

    it('tells nobody of a held or rejected message, nor of one that passed but waits for an earlier one; an approval tells them then', async () => {
      const { messages, service, notified, within } = source();
      messages.add({ id: 'held', body: 'hi @robin' });
      messages.add({ id: 'rejected', body: 'hi @robin' });
      messages.add({ id: 'waiting', body: 'hi @robin' });
      messages.waits.add('waiting');
      expect(await decideAlone(service, within, 'held', verdict('held', 'hi @robin'))).toEqual([]);
      expect(await decideAlone(service, within, 'rejected', verdict('rejected', 'hi @robin'))).toEqual([]);
      expect(await decideAlone(service, within, 'waiting', verdict('published', 'hi @robin'))).toEqual([]);
      // In a batch, a message that waits comes back as `ready`.
      messages.add({ id: 'batched', body: 'hi @robin' });
      messages.waits.add('batched');
      const batchTx = {} as Tx;
      const batch = await service.publishMany(batchTx, [{ id: 'batched', revision: 1, body: 'hi @robin' }]);
      await service.followVerdicts(
        batchTx,
        batch.map((subject) => ({ subject, verdict: verdict('published', 'hi @robin') })),
      );
      expect(within.flatMap((w) => w.events)).toEqual([]);
      expect(notified).toEqual([]);
      messages.rows.get('held')!.status = 'published';
      await service.afterStatusChange('held', 'g1', 'published');
      expect(notified).toEqual([expect.objectContaining({ eventId: 'mention:held', recipients: ['robin'] })]);
    });
  });
});
