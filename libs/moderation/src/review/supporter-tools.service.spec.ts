import type { AuditLogService, NewAuditEntry } from '@kindred/audit';
import type { Transactions } from '@kindred/database';
import type { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { NewNotice, NoticesService } from '@kindred/notifications';
import type { ReviewedContent, ScreeningSources } from '../screening-pipeline/screening-source';
import type { EnforcementHistoryRepository, NewEnforcement } from './enforcement-history.repository';
import type { EnforcementHistoryEntry } from './enforcement-history.entity';
import type { ReviewItem } from './review-item.entity';
import type { ReviewItemsRepository } from './review-items.repository';
import type { OpenReviewItem, ReviewItemsService } from './review-items.service';
import type { Decision, ReviewQueueService } from './review-queue.service';
import { SupporterToolsService } from './supporter-tools.service';

const G = 'group-a';
const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: id, isAdmin, sessionId: `s-${id}` });
const supporter = person('supporter');
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: DomainError) => e.code,
  );

/** The service over in-memory stand-ins: a group G whose supporter is `supporter`, staff `fellow`, and members `sam` (active) and `gone` (left). */
function tools() {
  const opened: OpenReviewItem[] = [];
  const hidden: string[] = [];
  const decided: Array<{ itemId: string; decision: Decision }> = [];
  const announced: string[] = [];
  const audit: NewAuditEntry[] = [];
  const history: NewEnforcement[] = [];
  const notices: NewNotice[] = [];
  const muted: Array<{ userId: string; until: Date }> = [];
  const changed: string[] = [];
  const subjects = new Map([
    ['post-1', { type: 'post' as const, id: 'post-1', body: 'words', author: { id: 'sam', displayName: 'Sam' }, groupId: G, status: 'published' }],
    ['own', { type: 'post' as const, id: 'own', body: 'mine', author: { id: 'supporter', displayName: 'S' }, groupId: G, status: 'published' }],
    ['gone-post', { type: 'post' as const, id: 'gone-post', body: '', author: { id: 'sam', displayName: 'Sam' }, groupId: G, status: 'deleted' }],
    ['elsewhere', { type: 'post' as const, id: 'elsewhere', body: 'b', author: { id: 'sam', displayName: 'Sam' }, groupId: 'group-b', status: 'published' }],
  ]);
  const source = {
    describe: async (ids: string[]) => new Map(ids.flatMap((id) => (subjects.has(id) ? [[id, subjects.get(id)!]] : []))),
    lockForVerdict: async (_tx: unknown, id: string) => ({
      type: 'post',
      id,
      groupId: G,
      authorId: subjects.get(id)?.author.id,
      body: 'words',
      revision: 2,
      status: 'published',
    }),
    hide: async (_tx: unknown, id: string) => void hidden.push(id),
    afterStatusChange: async (id: string) => void announced.push(`gone:${id}`),
  } as unknown as ReviewedContent;
  const entries: EnforcementHistoryEntry[] = [
    { id: 'h1', groupId: G, userId: 'sam', clauseKey: 'respect', action: 'removal', reviewItemId: 'i1', createdAt: new Date('2026-11-01T10:00:00Z') },
    { id: 'h2', groupId: 'group-b', userId: 'sam', clauseKey: 'privacy', action: 'ban', reviewItemId: null, createdAt: new Date('2026-11-02T10:00:00Z') },
  ];
  const items: Array<Partial<ReviewItem>> = [
    {
      id: 'i1',
      kind: 'post',
      subjectType: 'post',
      subjectId: 'p-old',
      status: 'decided',
      audience: 'supporters',
      decidedAt: new Date('2026-11-01T10:00:00Z'),
      decision: { action: 'remove', clauseKey: 'respect', note: 'private note', sanction: null },
    },
    {
      id: 'i2',
      kind: 'report',
      subjectType: 'post',
      subjectId: 'p-admin',
      status: 'decided',
      audience: 'admins',
      decidedAt: new Date('2026-11-03T10:00:00Z'),
      decision: { action: 'approve', clauseKey: null, note: null, sanction: null },
    },
  ];
  const service = new SupporterToolsService(
    { run: <T>(work: (tx: unknown) => Promise<T>) => work({}) } as unknown as Transactions,
    {
      decide: async (_user: AuthUser, itemId: string, decision: Decision) => (decided.push({ itemId, decision }), { id: itemId, status: 'decided' }),
    } as unknown as ReviewQueueService,
    {
      openOrMerge: async (_tx: unknown, input: OpenReviewItem) => (opened.push(input), { item: { ...input, id: `item-${opened.length}` }, created: true }),
      announce: async (_item: unknown, kind: string) => void announced.push(kind),
      views: async (rows: Array<{ id: string }>) => rows.map((r) => ({ id: r.id, status: 'open' })),
      isStaff: async (userId: string) => ['supporter', 'fellow'].includes(userId),
    } as unknown as ReviewItemsService,
    {
      decidedAbout: async (authorId: string, groupId: string, options: { adminItems: boolean }) =>
        authorId === 'sam' && groupId === G ? items.filter((i) => options.adminItems || i.audience === 'supporters') : [],
    } as unknown as ReviewItemsRepository,
    {
      record: async (_tx: unknown, rows: NewEnforcement[]) => void history.push(...rows),
      forMembers: async (userIds: string[], groupIds: string[]) => entries.filter((e) => userIds.includes(e.userId) && groupIds.includes(e.groupId)),
    } as unknown as EnforcementHistoryRepository,
    {
      assertModerator: async (user: AuthUser, groupId: string) => {
        if (user.isAdmin) return 'admin';
        if (user.id === 'supporter' && groupId === G) return 'supporter';
        throw DomainError.notFound();
      },
    } as unknown as ParticipationService,
    {
      assertClause: async (_g: string, key: string) => {
        if (key !== 'respect') throw DomainError.validation([{ field: 'clauseKey', message: 'not a clause' }]);
      },
      getSettings: async () => ({ moderation: { reviewSlaMinutes: 30 } }),
    } as unknown as GroupsService,
    {
      find: async (userId: string, groupId: string) =>
        groupId !== G
          ? null
          : userId === 'gone'
            ? { status: 'left', role: 'member', mutedUntil: null }
            : { status: 'active', role: 'member', mutedUntil: null },
      muteIn: async (_tx: unknown, userId: string, _g: string, until: Date) => void muted.push({ userId, until }),
      changed: async (userId: string) => void changed.push(userId),
    } as unknown as MembershipService,
    { reviewed: () => source } as unknown as ScreeningSources,
    {
      create: async (notice: NewNotice) => (notices.push(notice), { ...notice, id: 'n1' }),
      announce: async () => undefined,
    } as unknown as NoticesService,
    { record: async (_tx: unknown, entry: NewAuditEntry) => void audit.push(entry) } as unknown as AuditLogService,
    { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `name of ${id}`])) } as unknown as IdentityService,
  );
  return { service, opened, hidden, decided, announced, audit, history, notices, muted, changed };
}

describe('SupporterToolsService', () => {
  describe('acting on a post where it is read', () => {
    it('hides through a review item that waits in the queue, with the supporter’s reason, and takes the post out of every open screen', async () => {
      const t = tools();
      await t.service.actOn(supporter, 'post', 'post-1', { action: 'hide', note: 'checking' });
      expect(t.hidden).toEqual(['post-1']);
      expect(t.opened).toEqual([
        expect.objectContaining({ kind: 'post', subjectId: 'post-1', subjectRevision: 2, subjectAuthorId: 'sam', audience: 'supporters', priority: 'normal' }),
      ]);
      expect(t.opened[0]!.reasons).toEqual([{ source: 'supporter', detail: expect.stringContaining('Hidden by a supporter') }]);
      // Due within the group's review deadline.
      expect(t.opened[0]!.dueAt.getTime()).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
      expect(t.audit).toEqual([expect.objectContaining({ action: 'content.hide', actorId: 'supporter', subjectId: 'post-1' })]);
      expect(t.announced).toEqual(['gone:post-1', 'review:new']);
      expect(t.decided).toEqual([]);
    });

    it('removes through the queue’s own decision, citing the clause (and any sanction), so notices and history follow', async () => {
      const t = tools();
      await t.service.actOn(supporter, 'post', 'post-1', { action: 'remove', clauseKey: 'respect', sanction: { kind: 'mute', hours: 2 } });
      expect(t.hidden).toEqual([]);
      expect(t.decided).toEqual([
        { itemId: 'item-1', decision: { action: 'remove', clauseKey: 'respect', note: undefined, sanction: { kind: 'mute', hours: 2 } } },
      ]);
    });

    it('refuses: someone who is not the group’s moderator (as if it did not exist), one’s own words, what is out of sight, a removal without a clause or with a clause not in the agreement, a hide with a sanction', async () => {
      const t = tools();
      await expect(code(t.service.actOn(person('member'), 'post', 'post-1', { action: 'hide' }))).resolves.toBe('NOT_FOUND');
      await expect(code(t.service.actOn(supporter, 'post', 'elsewhere', { action: 'hide' }))).resolves.toBe('NOT_FOUND');
      await expect(code(t.service.actOn(supporter, 'post', 'no-such-post', { action: 'hide' }))).resolves.toBe('NOT_FOUND');
      await expect(code(t.service.actOn(supporter, 'post', 'own', { action: 'hide' }))).resolves.toBe('FORBIDDEN');
      await expect(code(t.service.actOn(supporter, 'post', 'gone-post', { action: 'hide' }))).resolves.toBe('CONFLICT');
      await expect(code(t.service.actOn(supporter, 'post', 'post-1', { action: 'remove' }))).resolves.toBe('VALIDATION_FAILED');
      await expect(code(t.service.actOn(supporter, 'post', 'post-1', { action: 'remove', clauseKey: 'made-up' }))).resolves.toBe('VALIDATION_FAILED');
      await expect(code(t.service.actOn(supporter, 'post', 'post-1', { action: 'hide', sanction: { kind: 'ban' } }))).resolves.toBe('VALIDATION_FAILED');
      expect([...t.opened, ...t.hidden, ...t.decided, ...t.audit]).toEqual([]);
    });
  });

  describe('muting a member', () => {
    it('mutes for the hours given, citing a clause: in their history without a decision, told to them, audited, and their sockets rechecked', async () => {
      const t = tools();
      const { mutedUntil } = await t.service.mute(supporter, G, 'sam', { hours: 3, clauseKey: 'respect' });
      expect(Math.abs(mutedUntil.getTime() - (Date.now() + 3 * 3600_000))).toBeLessThan(5000);
      expect(t.muted).toEqual([{ userId: 'sam', until: mutedUntil }]);
      expect(t.history).toEqual([{ groupId: G, userId: 'sam', clauseKey: 'respect', action: 'mute', reviewItemId: null }]);
      expect(t.notices).toEqual([expect.objectContaining({ userId: 'sam', kind: 'mute', groupId: G, clauseKey: 'respect', subjectId: null })]);
      expect(t.audit).toEqual([
        expect.objectContaining({ action: 'member.mute', subjectType: 'user', subjectId: 'sam', detail: expect.objectContaining({ hours: 3 }) }),
      ]);
      expect(t.changed).toEqual(['sam']);
    });

    it('refuses a fellow supporter (an admin may), oneself, a former member, another group, and hours that are not whole or not sensible', async () => {
      const t = tools();
      await expect(code(t.service.mute(supporter, G, 'fellow', { hours: 1, clauseKey: 'respect' }))).resolves.toBe('FORBIDDEN');
      await expect(code(t.service.mute(supporter, G, 'supporter', { hours: 1, clauseKey: 'respect' }))).resolves.toBe('FORBIDDEN');
      await expect(code(t.service.mute(supporter, G, 'gone', { hours: 1, clauseKey: 'respect' }))).resolves.toBe('NOT_FOUND');
      await expect(code(t.service.mute(supporter, 'group-b', 'sam', { hours: 1, clauseKey: 'respect' }))).resolves.toBe('NOT_FOUND');
      for (const hours of [0, 1.5, -2, 24 * 367])
        await expect(code(t.service.mute(supporter, G, 'sam', { hours, clauseKey: 'respect' }))).resolves.toBe('VALIDATION_FAILED');
      await expect(code(t.service.mute(supporter, G, 'sam', { hours: 1, clauseKey: 'made-up' }))).resolves.toBe('VALIDATION_FAILED');
      expect(t.muted).toEqual([]);
      await t.service.mute(person('admin', true), G, 'fellow', { hours: 1, clauseKey: 'respect' });
      expect(t.muted.map((m) => m.userId)).toEqual(['fellow']);
    });
  });

  describe('a member’s history', () => {
    it('is the group’s own: its decisions and sanctions, never another group’s; admins also see decisions made by admins', async () => {
      const t = tools();
      const seen = await t.service.memberHistory(supporter, G, 'sam');
      expect(seen.member).toEqual({ id: 'sam', displayName: 'name of sam', role: 'member', status: 'active', mutedUntil: null });
      expect(seen.sanctions).toEqual([{ action: 'removal', clauseKey: 'respect', createdAt: new Date('2026-11-01T10:00:00Z'), reviewItemId: 'i1' }]);
      expect(seen.decisions).toEqual([
        {
          reviewItemId: 'i1',
          kind: 'post',
          subjectType: 'post',
          subjectId: 'p-old',
          action: 'remove',
          clauseKey: 'respect',
          sanction: null,
          decidedAt: expect.any(Date),
        },
      ]);
      // The supporter's private note stays in the queue's record.
      expect(JSON.stringify(seen)).not.toContain('private note');
      const asAdmin = await t.service.memberHistory(person('admin', true), G, 'sam');
      expect(asAdmin.decisions.map((d) => d.reviewItemId)).toEqual(['i1', 'i2']);
    });

    it('is for the group’s moderators only, and says nothing of someone who never belonged to it', async () => {
      const t = tools();
      await expect(code(t.service.memberHistory(person('member'), G, 'sam'))).resolves.toBe('NOT_FOUND');
      await expect(code(t.service.memberHistory(supporter, 'group-b', 'sam'))).resolves.toBe('NOT_FOUND');
    });
  });
});
