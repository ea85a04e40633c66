import { randomUUID } from 'node:crypto';
import type { AuditLogService } from '@kindred/audit';
import type { KindredConfig } from '@kindred/config';
import type { Transactions, Tx } from '@kindred/database';
import type { ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { ReviewItemsService } from '@kindred/moderation';
import type { NoticesService } from '@kindred/notifications';
import type { OutboxService } from '@kindred/queues';
import type { ConversationMessagesRepository, NewConversationMessage, StoredConversationMessage } from './conversation-messages.repository';
import type { ConversationsRepository, NewConversation, StoredConversation, StoredParticipant } from './conversations.repository';
import { ConversationsService } from './conversations.service';

const GROUP = '00000000-0000-4000-8000-000000000001';
const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });

/** Conversations and participants in memory. */
class FakeConversations implements Partial<ConversationsRepository> {
  rows: StoredConversation[] = [];
  people = new Map<string, StoredParticipant[]>();
  async insert(_tx: Tx, input: NewConversation) {
    const c: StoredConversation = {
      id: randomUUID(),
      groupId: input.groupId,
      kind: input.kind,
      status: 'open',
      openedBy: input.openedBy,
      reviewItemId: input.reviewItemId ?? null,
      createdAt: new Date(),
      closedAt: null,
      closedBy: null,
    };
    this.rows.push(c);
    this.people.set(c.id, [...input.participants]);
    return c;
  }
  async addParticipant(_tx: Tx, id: string, p: StoredParticipant) {
    this.people.set(id, [...(this.people.get(id) ?? []).filter((x) => x.userId !== p.userId), p]);
  }
  async removeParticipant(_tx: Tx, id: string, userId: string) {
    this.people.set(
      id,
      (this.people.get(id) ?? []).filter((x) => x.userId !== userId),
    );
  }
  async supervisionOf(_tx: Tx, groupId: string) {
    let c = this.rows.find((r) => r.groupId === groupId && r.kind === 'supervision');
    if (!c) c = await this.insert({} as Tx, { groupId, kind: 'supervision', openedBy: null, participants: [] });
    return c;
  }
  async find(id: string) {
    const c = this.rows.find((r) => r.id === id);
    return c ? { ...c } : null;
  }
  async lock(_tx: Tx, id: string) {
    return this.find(id);
  }
  async setStatus(_tx: Tx, id: string, status: 'closed' | 'declined', by: string | null) {
    const c = this.rows.find((r) => r.id === id)!;
    if (c.status === 'open') Object.assign(c, { status, closedAt: new Date(), closedBy: by });
  }
  async participants(id: string) {
    return this.people.get(id) ?? [];
  }
  async roleOf(id: string, userId: string) {
    return (this.people.get(id) ?? []).find((p) => p.userId === userId)?.role ?? null;
  }
  async ofParticipant(userId: string) {
    return this.rows.filter((r) => (this.people.get(r.id) ?? []).some((p) => p.userId === userId));
  }
  async checkInsOf(groupIds: string[]) {
    return this.rows.filter((r) => r.kind === 'check-in' && groupIds.includes(r.groupId));
  }
}

/** Messages in memory; the outbox stand-in runs the insert "statement", which writes only into an open conversation. */
class FakeMessages implements Partial<ConversationMessagesRepository> {
  rows: StoredConversationMessage[] = [];
  constructor(private readonly conversations: FakeConversations) {}
  insertStatement(m: NewConversationMessage) {
    return { sql: 'insert', params: [m] };
  }
  write(m: NewConversationMessage): boolean {
    const c = this.conversations.rows.find((r) => r.id === m.conversationId);
    if (!c || c.status !== 'open') return false;
    if (this.rows.some((r) => r.authorId === m.authorId && r.clientMsgId === m.clientMsgId)) return false;
    this.rows.push({ ...m, groupId: c.groupId, status: 'screening', revision: 1, signposting: null, createdAt: new Date(Date.now() + this.rows.length) });
    return true;
  }
  async byClientMsgId(authorId: string, clientMsgId: string) {
    const r = this.rows.find((x) => x.authorId === authorId && x.clientMsgId === clientMsgId);
    return r ? { id: r.id, conversationId: r.conversationId } : null;
  }
  async belongsTo(id: string, conversationId: string) {
    return this.rows.some((r) => r.id === id && r.conversationId === conversationId);
  }
  async page(conversationId: string, readerId: string, limit: number, after?: string) {
    const all = this.rows.filter(
      (r) => r.conversationId === conversationId && (r.status === 'published' || (r.authorId === readerId && r.status !== 'deleted')),
    );
    const from = after ? all.findIndex((r) => r.id === after) + 1 : 0;
    return all.slice(from, from + limit);
  }
}

function context() {
  const conversations = new FakeConversations();
  const messages = new FakeMessages(conversations);
  const roles = new Map<string, 'member' | 'supporter' | 'banned'>();
  const items = new Map<string, { groupId: string; authorId: string | null; priority: 'urgent' | 'normal' }>();
  const audit: Array<{ action: string; subjectId: string; actorId: string | null }> = [];
  const notices: Array<{ userId: string; kind: string; subjectId?: string | null }> = [];
  const participation = {
    canSee: async (user: AuthUser) => user.isAdmin || (roles.has(user.id) && roles.get(user.id) !== 'banned'),
    isModerator: async (user: AuthUser) => user.isAdmin || roles.get(user.id) === 'supporter',
    assertModerator: async (user: AuthUser, _g: string, options: { hideExistence?: boolean } = {}) => {
      if (user.isAdmin) return 'admin';
      if (roles.get(user.id) === 'supporter') return 'supporter';
      throw options.hideExistence ? DomainError.notFound() : DomainError.forbidden();
    },
    assertMember: async (user: AuthUser) => {
      if (user.isAdmin) return;
      if (roles.get(user.id) === 'banned') throw new DomainError('BANNED', 'banned');
      if (!roles.has(user.id)) throw new DomainError('NOT_A_MEMBER', 'not a member');
    },
  } as unknown as ParticipationService;
  const outbox = {
    stageWith: async (_tx: Tx | null, statement: { params: unknown[] }) =>
      messages.write(statement.params[0] as NewConversationMessage) ? randomUUID() : null,
    dispatch: async () => undefined,
  } as unknown as OutboxService;
  const service = new ConversationsService(
    conversations as unknown as ConversationsRepository,
    messages as unknown as ConversationMessagesRepository,
    { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx), none: {} as Tx } as unknown as Transactions,
    participation,
    { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])) } as unknown as IdentityService,
    { aboutWhom: async (id: string) => items.get(id) ?? null } as unknown as ReviewItemsService,
    { record: async (_tx: Tx, e: { action: string; subjectId: string; actorId: string | null }) => void audit.push(e) } as unknown as AuditLogService,
    { create: async (n: { userId: string; kind: string; subjectId?: string | null }) => void notices.push(n) } as unknown as NoticesService,
    outbox,
    { chat: { maxMessageLength: 200 } } as unknown as KindredConfig,
  );
  return { service, conversations, messages, roles, items, audit, notices };
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; reason?: string } | undefined> {
  return promise.then(
    () => undefined,
    (e: { code?: string; reason?: string }) => e,
  );
}

describe('ConversationsService (in-memory repositories)', () => {
  const supporter = person('supporter');
  const member = person('member');
  const bystander = person('bystander');

  function withCheckIn() {
    const c = context();
    c.roles.set(supporter.id, 'supporter');
    c.roles.set(member.id, 'member');
    c.roles.set(bystander.id, 'member');
    c.items.set('item-1', { groupId: GROUP, authorId: member.id, priority: 'urgent' });
    c.items.set('item-own', { groupId: GROUP, authorId: supporter.id, priority: 'normal' });
    c.items.set('item-erased', { groupId: GROUP, authorId: null, priority: 'urgent' });
    return c;
  }

  it('opens a check-in only for the group’s supporters and admins, about someone else who is still here; audited and told', async () => {
    const c = withCheckIn();
    expect((await rejection(c.service.openCheckIn(bystander, 'item-1')))?.code).toBe('NOT_FOUND');
    expect((await rejection(c.service.openCheckIn(supporter, 'missing')))?.code).toBe('NOT_FOUND');
    expect((await rejection(c.service.openCheckIn(supporter, 'item-own')))?.reason).toBe('SELF_CHECK_IN');
    expect((await rejection(c.service.openCheckIn(supporter, 'item-erased')))?.reason).toBe('NO_MEMBER');
    const opened = await c.service.openCheckIn(supporter, 'item-1', { body: 'How are you?', clientMsgId: 'c1' });
    expect(opened).toMatchObject({ kind: 'check-in', status: 'open', canDecline: false });
    expect(c.audit).toEqual([expect.objectContaining({ action: 'check-in.opened', subjectId: opened.id, actorId: supporter.id })]);
    expect(c.notices).toEqual([expect.objectContaining({ userId: member.id, kind: 'check-in', subjectId: opened.id })]);
    expect(c.messages.rows).toHaveLength(1);
  });

  it('lets the group’s supporters read a check-in, never another member; a mentoring conversation only its two people', async () => {
    const c = withCheckIn();
    const checkIn = await c.service.openCheckIn(supporter, 'item-1');
    const other = person('other-supporter');
    c.roles.set(other.id, 'supporter');
    expect((await c.service.get(other, checkIn.id)).id).toBe(checkIn.id);
    expect((await rejection(c.service.get(bystander, checkIn.id)))?.code).toBe('NOT_FOUND');
    const mentoringId = await c.service.openMentoring({} as Tx, GROUP, 'mentor', member.id);
    expect((await rejection(c.service.get(supporter, mentoringId)))?.code).toBe('NOT_FOUND');
    expect((await rejection(c.service.send(supporter, mentoringId, { body: 'hi', clientMsgId: 'x' })))?.code).toBe('NOT_FOUND');
    expect((await c.service.get(member, mentoringId)).kind).toBe('mentoring');
    // A participant banned from the group no longer reads it.
    c.roles.set(member.id, 'banned');
    expect((await rejection(c.service.get(member, mentoringId)))?.code).toBe('NOT_FOUND');
  });

  it('stores a message for screening once per clientMsgId, shows others only what passed, and refuses blank or long words', async () => {
    const c = withCheckIn();
    const checkIn = await c.service.openCheckIn(supporter, 'item-1');
    const sent = await c.service.send(member, checkIn.id, { body: '  thank you  ', clientMsgId: 'm1' });
    expect(await c.service.send(member, checkIn.id, { body: 'thank you', clientMsgId: 'm1' })).toEqual(sent);
    expect(c.messages.rows.map((m) => m.body)).toEqual(['thank you']);
    expect((await c.service.history(member, checkIn.id)).map((m) => m.status)).toEqual(['screening']);
    expect(await c.service.history(supporter, checkIn.id)).toEqual([]);
    c.messages.rows[0]!.status = 'published';
    expect((await c.service.history(supporter, checkIn.id)).map((m) => m.id)).toEqual([sent.id]);
    expect((await rejection(c.service.send(member, checkIn.id, { body: '   ', clientMsgId: 'm2' })))?.code).toBe('VALIDATION_FAILED');
    expect((await rejection(c.service.send(member, checkIn.id, { body: 'x'.repeat(201), clientMsgId: 'm3' })))?.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await rejection(c.service.history(member, checkIn.id, { after: randomUUID() })))?.code).toBe('VALIDATION_FAILED');
  });

  it('lets only the member decline, and nobody writes once it is declined or closed', async () => {
    const c = withCheckIn();
    const checkIn = await c.service.openCheckIn(supporter, 'item-1');
    expect((await rejection(c.service.decline(supporter, checkIn.id)))?.code).toBe('FORBIDDEN');
    expect((await c.service.decline(member, checkIn.id)).status).toBe('declined');
    expect(c.audit.map((a) => a.action)).toEqual(['check-in.opened', 'check-in.declined']);
    for (const who of [member, supporter]) {
      expect((await rejection(c.service.send(who, checkIn.id, { body: 'still there?', clientMsgId: `late-${who.id}` })))?.reason).toBe('CONVERSATION_CLOSED');
    }
    expect((await rejection(c.service.decline(member, checkIn.id)))?.reason).toBe('CONVERSATION_CLOSED');
  });

  it('refuses a write that lands after the close, even when the close came between the check and the insert', async () => {
    const c = withCheckIn();
    const checkIn = await c.service.openCheckIn(supporter, 'item-1');
    const read = c.conversations.find.bind(c.conversations);
    // The conversation is read as open, then closed before the message's statement runs.
    c.conversations.find = async (id: string) => {
      const found = await read(id);
      c.conversations.rows.find((r) => r.id === id)!.status = 'closed';
      return found;
    };
    expect((await rejection(c.service.send(member, checkIn.id, { body: 'hello', clientMsgId: 'race' })))?.reason).toBe('CONVERSATION_CLOSED');
    expect(c.messages.rows).toHaveLength(0);
  });

  it('keeps the supervision thread to the group’s staff and the mentors added to it', async () => {
    const c = withCheckIn();
    expect((await rejection(c.service.supervision(member, GROUP)))?.code).toBe('NOT_FOUND');
    await c.service.setSupervisionMember({} as Tx, GROUP, member.id, true);
    const thread = await c.service.supervision(member, GROUP);
    expect((await c.service.supervision(supporter, GROUP)).id).toBe(thread.id);
    await c.service.setSupervisionMember({} as Tx, GROUP, member.id, false);
    expect((await rejection(c.service.supervision(member, GROUP)))?.code).toBe('NOT_FOUND');
  });
});
