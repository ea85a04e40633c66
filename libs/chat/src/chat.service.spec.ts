import type { KindredConfig } from '@kindred/config';
import type { EventBus } from '@kindred/events';
import type { GroupsService, MembershipService, Participant, ParticipationService } from '@kindred/groups';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { ReportsService } from '@kindred/moderation';
import type { OutboxService } from '@kindred/queues';
import type { ChatRateLimiter } from './chat-rate-limiter';
import type { ChatPresence } from './chat-presence';
import { ChatService } from './chat.service';
import type { ChatMessage } from './message.entity';
import type { ChatPosition, MessagesRepository, NewMessage, StoredMessage } from './messages.repository';

/** MessagesRepository kept in memory: published messages take consecutive places in their group's stream. */
class FakeMessagesRepository implements Pick<
  MessagesRepository,
  'insertStatement' | 'idByClientMsgId' | 'find' | 'status' | 'latestPosition' | 'publishedSince' | 'wasPublishedIn' | 'publishedPage' | 'ownUnpublished'
> {
  rows: Array<ChatMessage & { place: number | null }> = [];
  private places = 0;

  insertStatement(m: NewMessage) {
    // The outbox stand-in below runs this "statement".
    return { sql: 'insert', params: [m] };
  }
  write(m: NewMessage): boolean {
    if (this.rows.some((r) => r.authorId === m.authorId && r.clientMsgId === m.clientMsgId)) return false;
    this.rows.push({ ...m, status: 'screening', revision: 1, createdAt: new Date(), screenedAt: null, publishedAt: null, place: null });
    return true;
  }
  publishNow(id: string): void {
    const row = this.rows.find((r) => r.id === id)!;
    Object.assign(row, { status: 'published', publishedAt: new Date(), place: ++this.places });
  }
  async idByClientMsgId(authorId: string, clientMsgId: string) {
    return this.rows.find((r) => r.authorId === authorId && r.clientMsgId === clientMsgId)?.id ?? null;
  }
  async find(id: string) {
    const row = this.rows.find((r) => r.id === id);
    return row ? { ...row } : null;
  }
  async status(id: string) {
    return (await this.find(id))?.status ?? null;
  }
  async latestPosition(groupId: string) {
    const last = this.published(groupId).at(-1);
    return last ? position(last) : null;
  }
  async publishedSince(groupId: string, after: ChatPosition, limit: number) {
    return this.published(groupId)
      .filter((r) => after.at === '-infinity' || r.place! > Number(after.at))
      .slice(0, limit)
      .map((r) => ({ ...r, position: position(r) }));
  }
  async wasPublishedIn(id: string, groupId: string) {
    return this.published(groupId).some((r) => r.id === id);
  }
  async publishedPage(groupId: string, limit: number, anchor: { id: string; forward: boolean } | { forward: false }): Promise<StoredMessage[]> {
    const all = this.published(groupId);
    const at = 'id' in anchor ? all.find((r) => r.id === anchor.id)!.place! : null;
    const rows = anchor.forward ? all.filter((r) => r.place! > at!) : all.filter((r) => at === null || r.place! < at).reverse();
    return rows.slice(0, limit);
  }
  async ownUnpublished(groupId: string, authorId: string, since: Date | null, limit: number) {
    return this.rows
      .filter((r) => r.groupId === groupId && r.authorId === authorId && ['screening', 'ready', 'held', 'rejected'].includes(r.status))
      .filter((r) => since === null || r.createdAt >= since)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }
  private published(groupId: string) {
    return this.rows.filter((r) => r.groupId === groupId && r.status === 'published').sort((a, b) => a.place! - b.place!);
  }
}

const position = (r: { id: string; place: number | null }): ChatPosition => ({ at: String(r.place), id: r.id });
const person = (id: string): AuthUser => ({ id, displayName: id, isAdmin: false, sessionId: `s-${id}` });

function chat(options: { role?: Participant['role']; mutedUntil?: Date | null; slowMode?: number } = {}) {
  const messages = new FakeMessagesRepository();
  const events: Array<{ name: string; payload: unknown }> = [];
  const limiter = { allowed: true, given: 0 };
  const participant = (user: AuthUser, groupId: string): Participant => ({
    userId: user.id,
    groupId,
    role: options.role ?? 'member',
    mutedUntil: options.mutedUntil ?? null,
    acceptedVersion: 1,
    currentVersion: 1,
  });
  let hiddenByReport = false;
  const service = new ChatService(
    messages as unknown as MessagesRepository,
    { chat: { maxMessageLength: 20 } } as KindredConfig,
    {
      assertParticipant: async (user: AuthUser, groupId: string) => participant(user, groupId),
      sanction: async () => null,
      canSee: async () => true,
    } as unknown as ParticipationService,
    { getSettings: async () => ({ slowModeSeconds: options.slowMode ?? 0 }) } as unknown as GroupsService,
    {} as MembershipService,
    { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])) } as unknown as IdentityService,
    {
      stageWith: async (_tx: null, statement: { params: [NewMessage] }) => (messages.write(statement.params[0]) ? 'outbox-1' : null),
      dispatch: async () => undefined,
    } as unknown as OutboxService,
    {
      report: async (_user: AuthUser, subject: { id: string }) => {
        if (hiddenByReport)
          Object.assign(
            messages.rows.find((r) => r.id === subject.id)!,
            { status: 'hidden' },
          );
        return { id: 'report-1' };
      },
    } as unknown as ReportsService,
    {
      take: async () => (limiter.allowed ? { allowed: true } : { allowed: false, retryAfterMs: 4000 }),
      giveBack: async () => void limiter.given++,
    } as unknown as ChatRateLimiter,
    { publish: async (name: string, payload: unknown) => void events.push({ name, payload }) } as unknown as EventBus,
    { online: async () => [] } as unknown as ChatPresence,
  );
  return { service, messages, events, limiter, hideOnReport: () => (hiddenByReport = true) };
}

const send = (text: string, clientMsgId = text) => ({ groupId: 'g1', body: text, clientMsgId });

describe('ChatService (in-memory repository)', () => {
  it('stores a message for screening, with its body trimmed and line ends made plain', async () => {
    const { service, messages } = chat();
    await expect(service.send(person('a'), send('  hi\r\nthere '))).resolves.toMatchObject({ status: 'screening' });
    expect(messages.rows[0]).toMatchObject({ body: 'hi\nthere', status: 'screening', authorId: 'a' });
  });

  it('refuses a blank message, a message over the limit, and a muted member', async () => {
    await expect(chat().service.send(person('a'), send('   '))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(chat().service.send(person('a'), send('x'.repeat(21)))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', extra: { limit: 20 } });
    const muted = chat({ mutedUntil: new Date(Date.now() + 60_000) });
    await expect(muted.service.send(person('a'), send('hi'))).rejects.toMatchObject({ code: 'MUTED' });
  });

  it('answers a retried send with the message already stored, and gives its rate-limit point back', async () => {
    const { service, messages, limiter } = chat();
    const first = await service.send(person('a'), send('hi', 'c1'));
    await expect(service.send(person('a'), send('hi', 'c1'))).resolves.toEqual(first);
    expect(messages.rows).toHaveLength(1);
    expect(limiter.given).toBe(1);
  });

  it('refuses a send over the rate limit, unless it retries one already stored', async () => {
    const { service, limiter } = chat({ slowMode: 30 });
    const first = await service.send(person('a'), send('hi', 'c1'));
    limiter.allowed = false;
    await expect(service.send(person('a'), send('hi', 'c1'))).resolves.toEqual(first);
    await expect(service.send(person('a'), send('again', 'c2'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('pages published history by message id, and refuses an anchor that was never published there', async () => {
    const { service, messages } = chat();
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await service.send(person('a'), send(text))).id);
    await service.send(person('a'), send('unscreened'));
    ids.forEach((id) => messages.publishNow(id));
    const newest = await service.history(person('b'), 'g1', { limit: 2 });
    expect(newest.items.map((m) => m.body)).toEqual(['three', 'two']);
    const older = await service.history(person('b'), 'g1', { before: newest.nextCursor!, limit: 2 });
    expect(older).toMatchObject({ items: [{ body: 'one', author: { displayName: 'name of a' } }], nextCursor: null });
    await expect(service.history(person('b'), 'g1', { after: ids[0] })).resolves.toMatchObject({ items: [{ body: 'two' }, { body: 'three' }] });
    await expect(service.history(person('b'), 'g1', { before: ids[0], after: ids[1] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const unpublished = messages.rows.find((r) => r.body === 'unscreened')!.id;
    await expect(service.history(person('b'), 'g1', { after: unpublished })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // Joining shows the latest messages oldest first.
    expect((await service.joinHistory(person('b'), 'g1')).map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });

  it('brings the author’s own unsent messages back with their status, in place, to the author alone', async () => {
    const { service, messages } = chat();
    const texts = ['one', 'waiting', 'held', 'two', 'refused', 'checking'];
    const ids: string[] = [];
    for (const text of texts) ids.push((await service.send(person('a'), send(text))).id);
    // Written a second apart, so their places do not hang on the clock's resolution.
    messages.rows.forEach((r, i) => (r.createdAt = new Date(Date.UTC(2026, 0, 1, 12, 0, i))));
    messages.publishNow(ids[0]!);
    messages.publishNow(ids[3]!);
    Object.assign(messages.rows[1]!, { status: 'ready' });
    Object.assign(messages.rows[2]!, { status: 'held' });
    Object.assign(messages.rows[4]!, { status: 'rejected' });
    const seen = (list: Array<{ body: string; status?: string }>) => list.map((m) => (m.status ? `${m.body}:${m.status}` : m.body));
    expect(seen(await service.joinHistory(person('a'), 'g1'))).toEqual([
      'one',
      'waiting:screening',
      'held:held',
      'two',
      'refused:rejected',
      'checking:screening',
    ]);
    // Newest first over REST, the same messages.
    expect(seen((await service.history(person('a'), 'g1', {})).items)).toEqual([
      'checking:screening',
      'refused:rejected',
      'two',
      'held:held',
      'waiting:screening',
      'one',
    ]);
    // Anyone else sees only what the room saw.
    expect(seen(await service.joinHistory(person('b'), 'g1'))).toEqual(['one', 'two']);
    expect(seen((await service.history(person('b'), 'g1', {})).items)).toEqual(['two', 'one']);
    // Catching up after a message, or paging back, brings published messages only.
    expect(seen(await service.joinHistory(person('a'), 'g1', ids[0]))).toEqual(['two']);
    expect(seen((await service.history(person('a'), 'g1', { before: ids[3] })).items)).toEqual(['one']);
  });

  it('keeps the author’s unsent messages to the span of history shown when there is more before it', async () => {
    const { service, messages } = chat();
    const ids: string[] = [];
    for (const text of ['old held', 'p1', 'p2', 'p3']) ids.push((await service.send(person('a'), send(text))).id);
    messages.rows.forEach((r, i) => (r.createdAt = new Date(Date.UTC(2026, 0, 1, 12, 0, i))));
    Object.assign(messages.rows[0]!, { status: 'held' });
    ids.slice(1).forEach((id) => messages.publishNow(id));
    // Two of three published messages are shown: the held one from before them stays with the older history.
    expect((await service.history(person('a'), 'g1', { limit: 2 })).items.map((m) => m.body)).toEqual(['p3', 'p2']);
    expect((await service.history(person('a'), 'g1', { limit: 3 })).items.map((m) => m.body)).toEqual(['p3', 'p2', 'p1', 'old held']);
  });

  it('delivers live from the room’s current position, which starts before everything in an empty room', async () => {
    const { service, messages } = chat();
    const start = await service.livePosition('g1');
    expect(start.at).toBe('-infinity');
    const { id } = await service.send(person('a'), send('hi'));
    messages.publishNow(id);
    const live = await service.publishedSince('g1', start, 10);
    expect(live.messages.map((m) => m.id)).toEqual([id]);
    await expect(service.livePosition('g1')).resolves.toEqual(live.position);
  });

  it('tells every open screen when a report hides a published message', async () => {
    const { service, messages, events, hideOnReport } = chat();
    const { id } = await service.send(person('a'), send('hi'));
    messages.publishNow(id);
    await service.report(person('b'), id, 'kindness');
    expect(events).toHaveLength(0);
    hideOnReport();
    await service.report(person('c'), id, 'kindness');
    expect(events).toEqual([{ name: 'message.removed', payload: { id, groupId: 'g1' } }]);
  });
});
