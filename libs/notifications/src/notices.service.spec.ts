import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { Notice } from './notice.entity';
import type { NewNoticeRow, NoticesRepository } from './notices.repository';
import { NoticesService } from './notices.service';
import type { NotificationEvent } from './notification-event';
import type { NotificationsService } from './notifications.service';

/** NoticesRepository kept in memory: rows in the order written, each with its id and time. */
class FakeNoticesRepository implements Pick<NoticesRepository, 'insert' | 'find' | 'page' | 'purgeOlderThan'> {
  rows: Notice[] = [];
  clock = Date.parse('2026-01-01T00:00:00Z');
  async insert(values: NewNoticeRow) {
    const row = { ...values, id: randomUUID(), createdAt: new Date((this.clock += 1000)) } as Notice;
    this.rows.push(row);
    return row;
  }
  async find(id: string) {
    return this.rows.find((n) => n.id === id) ?? null;
  }
  async page(userId: string, limit: number, before: { at: string; id: string } | null) {
    return this.rows
      .filter((n) => n.userId === userId && (!before || n.createdAt.getTime() < Date.parse(before.at)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }
  async purgeOlderThan() {
    return new Map<string, number>();
  }
}

function service() {
  const repository = new FakeNoticesRepository();
  const published: Array<{ name: string; payload: { userId: string } }> = [];
  const events = { publish: async (name: string, payload: { userId: string }) => void published.push({ name, payload }) } as unknown as EventBus;
  return { repository, published, notices: new NoticesService(repository as unknown as NoticesRepository, events) };
}

const removal = { userId: 'u1', kind: 'removal' as const, groupId: 'g1', subjectId: 'p1', clauseKey: 'kindness', message: 'Removed.' };

describe('NoticesService (in-memory repository)', () => {
  it('makes each notice a notification too (its push and mail are queued), dispatched after commit when written in a transaction', async () => {
    const repository = new FakeNoticesRepository();
    const events = { publish: async () => undefined } as unknown as EventBus;
    const notified: Array<{ event: NotificationEvent; tx: unknown }> = [];
    const dispatched: Array<string | null> = [];
    const notifications = {
      notify: async (event: NotificationEvent, tx?: unknown) => (notified.push({ event, tx }), `row-${notified.length}`),
      dispatch: async (ids: Array<string | null>) => void dispatched.push(...ids),
    } as unknown as NotificationsService;
    const notices = new NoticesService(repository as unknown as NoticesRepository, events, notifications);
    const crisis = await notices.create(
      { userId: 'u1', kind: 'signposting', groupId: 'g1', message: 'Help is here.', resources: [{ name: 'Line' }] },
      {} as Tx,
    );
    expect(notified[0]!.event).toMatchObject({
      eventId: `notice:${crisis.id}`,
      kind: 'signposting',
      recipients: ['u1'],
      ignoreQuietHours: true,
      path: '/help',
    });
    expect(JSON.stringify(notified[0]!.event)).not.toContain('Help is here.');
    expect(dispatched).toEqual([]);
    await notices.announce(crisis);
    expect(dispatched).toEqual(['row-1']);
    await notices.create({ ...removal, kind: 'ban' });
    expect(notified[1]!.event.kind).toBe('sanction');
    await notices.create({ ...removal, kind: 'application' });
    expect(notified[2]!.event.kind).toBe('application');
  });

  it('announces a notice written on its own at once, to its recipient', async () => {
    const { notices, published } = service();
    const view = await notices.create(removal);
    expect(view).toMatchObject({ kind: 'removal', subjectId: 'p1', appealable: false });
    expect(view).not.toHaveProperty('resources');
    expect(published).toEqual([{ name: 'notice.created', payload: expect.objectContaining({ userId: 'u1' }) }]);
  });

  it('leaves a notice written in a transaction for the caller to announce after commit', async () => {
    const { notices, published } = service();
    const view = await notices.create({ ...removal, resources: [{ name: 'Line' }], appealable: true }, {} as Tx);
    expect(published).toHaveLength(0);
    expect(view).toMatchObject({ resources: [{ name: 'Line' }], appealable: true });
    await notices.announce(view);
    expect(published[0]!.payload.userId).toBe('u1');
  });

  it('finds the recipient of a notice it did not create before announcing it, and skips one that is gone', async () => {
    const { notices, published, repository } = service();
    const row = await repository.insert({ ...removal, userId: 'u2', subjectId: null, clauseKey: null, resources: null, appealable: false });
    const { userId, ...view } = (await notices.find(row.id))!;
    expect(userId).toBe('u2');
    await notices.announce({ ...view });
    await notices.announce({ ...view, id: randomUUID() });
    expect(published.map((p) => p.payload.userId)).toEqual(['u2']);
    await expect(notices.find(randomUUID())).resolves.toBeNull();
  });

  it('pages a person’s notices newest first, only theirs', async () => {
    const { notices } = service();
    for (const message of ['a', 'b', 'c']) await notices.create({ ...removal, message });
    await notices.create({ ...removal, userId: 'someone else' });
    const first = await notices.listFor('u1', { limit: 2 });
    expect(first.items.map((n) => n.message)).toEqual(['c', 'b']);
    const rest = await notices.listFor('u1', { limit: 2, cursor: first.nextCursor! });
    expect(rest.items.map((n) => n.message)).toEqual(['a']);
    expect(rest.nextCursor).toBeNull();
  });
});
