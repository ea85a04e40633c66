import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { EnforcementHistoryRepository } from './enforcement-history.repository';
import { ReviewItemsRepository } from './review-items.repository';
import { ReviewItemsService, ReviewItemView } from './review-items.service';
import { ReviewQueueService, sanctionNotice, Sanction } from './review-queue.service';
import type { SubjectType } from './review.types';

/** What a supporter does to something they are reading (a post on a thread, a message in chat). */
export interface ContentAction {
  /** `hide`: out of sight at once, and into the queue for a decision; `remove`: decided now, citing a clause. */
  action: 'hide' | 'remove';
  clauseKey?: string;
  note?: string;
  /** With a removal only, as in the queue. */
  sanction?: Sanction;
}

export interface MuteInput {
  hours: number;
  clauseKey: string;
  note?: string;
}

/** A member's record in one group, as that group's supporters see it: never another group's. */
export interface MemberHistoryView {
  member: { id: string; displayName: string; role: string | null; status: string | null; mutedUntil: Date | null };
  sanctions: Array<{ action: 'removal' | 'warn' | 'mute' | 'ban'; clauseKey: string; createdAt: Date; reviewItemId: string | null }>;
  decisions: Array<{
    reviewItemId: string;
    kind: string;
    subjectType: SubjectType;
    subjectId: string;
    action: 'approve' | 'remove';
    clauseKey: string | null;
    sanction: { kind: string; hours: number | null; until: string | null } | null;
    decidedAt: Date;
  }>;
}

/** How many decisions a member's history shows. */
const HISTORY_DECISIONS = 100;
const HOUR_MS = 3600_000;
const MAX_MUTE_HOURS = 24 * 366;

/**
 * Supporters' tools where the conversation is: act on a post or message from the thread or the
 * chat (through a review item, so the queue, the notices, the member's history and the audit log
 * are the same as a decision in the queue), mute a member, and read a member's history in the group.
 */
@Injectable()
export class SupporterToolsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly queue: ReviewQueueService,
    private readonly items: ReviewItemsService,
    private readonly itemRows: ReviewItemsRepository,
    private readonly history: EnforcementHistoryRepository,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly memberships: MembershipService,
    private readonly sources: ScreeningSources,
    private readonly notices: NoticesService,
    private readonly audit: AuditLogService,
    private readonly identity: IdentityService,
  ) {}

  /**
   * Hide or remove a post or message from where it is read. The supporter's act opens (or joins)
   * the subject's review item: hiding leaves it open for a decision; removing decides it at once,
   * through the queue's own decision. Anyone who is not a moderator of the group is told the
   * content does not exist.
   */
  async actOn(user: AuthUser, subjectType: SubjectType, subjectId: string, input: ContentAction): Promise<ReviewItemView> {
    const source = this.sources.reviewed(subjectType);
    const what = subjectType === 'post' ? 'That post' : 'That message';
    const subject = (await source.describe([subjectId])).get(subjectId);
    if (!subject) throw DomainError.notFound(what);
    try {
      await this.participation.assertModerator(user, subject.groupId, { hideExistence: true });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw DomainError.notFound(what);
      throw error;
    }
    if (subject.author?.id === user.id) throw DomainError.forbidden('Someone else needs to act on what you wrote.');
    if (!['published', 'hidden', 'held'].includes(subject.status)) {
      throw DomainError.conflict('This is no longer in sight: there is nothing to hide or remove.');
    }
    if (input.action === 'remove' && !input.clauseKey) {
      throw DomainError.validation([{ field: 'clauseKey', message: 'Choose the clause of the group agreement this goes against.' }]);
    }
    if (input.action === 'hide' && input.sanction) {
      throw DomainError.validation([{ field: 'sanction', message: 'A sanction goes with removing what was written, never with hiding it.' }]);
    }
    if (input.clauseKey) await this.groups.assertClause(subject.groupId, input.clauseKey);
    const settings = await this.groups.getSettings(subject.groupId);
    const dueAt = new Date(Date.now() + (settings?.moderation.reviewSlaMinutes ?? 60) * 60_000);
    const detail = input.action === 'hide' ? 'Hidden by a supporter until a decision is made' : 'Removed by a supporter where it was posted';

    const { item, created } = await this.transactions.run(async (tx) => {
      // The subject row first, then its item: the lock order of every change to content.
      const locked = await source.lockForVerdict(tx, subjectId);
      if (!locked) throw DomainError.notFound(what);
      const opened = await this.items.openOrMerge(tx, {
        groupId: locked.groupId,
        kind: subjectType,
        subjectType,
        subjectId,
        subjectRevision: locked.revision,
        subjectAuthorId: locked.authorId,
        reasons: [{ source: 'supporter', detail, ...(input.clauseKey ? { clauseKey: input.clauseKey } : {}) }],
        priority: 'normal',
        audience: 'supporters',
        dueAt,
      });
      if (input.action === 'hide') {
        await source.hide(tx, subjectId);
        await this.audit.record(tx, {
          actorId: user.id,
          action: 'content.hide',
          groupId: locked.groupId,
          subjectType,
          subjectId,
          detail: { reviewItemId: opened.item.id, clauseKey: input.clauseKey ?? null, note: input.note ?? null },
        });
      }
      return opened;
    });
    if (input.action === 'remove') {
      return this.queue.decide(user, item.id, { action: 'remove', clauseKey: input.clauseKey, note: input.note, sanction: input.sanction });
    }
    // Hidden: every open screen takes it out of sight, and it waits in the queue.
    await source.afterStatusChange?.(subjectId, subject.groupId, 'removed');
    await this.items.announce(item, created ? 'review:new' : 'review:updated');
    const [view] = await this.items.views([item], user);
    return view!;
  }

  /** Mutes a member of the group for some hours, citing a clause: recorded in their history, told to them, and in the audit log. */
  async mute(user: AuthUser, groupId: string, memberId: string, input: MuteInput): Promise<{ mutedUntil: Date }> {
    await this.participation.assertModerator(user, groupId, { hideExistence: true });
    if (memberId === user.id) throw DomainError.forbidden('You cannot mute yourself.');
    if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > MAX_MUTE_HOURS) {
      throw DomainError.validation([{ field: 'hours', message: 'Say for how many whole hours, up to a year.' }]);
    }
    const membership = await this.memberships.find(memberId, groupId);
    if (!membership || membership.status !== 'active') throw DomainError.notFound('That member');
    if (!user.isAdmin && (await this.items.isStaff(memberId, groupId))) {
      throw DomainError.forbidden('Only an admin can mute a supporter or an admin.');
    }
    await this.groups.assertClause(groupId, input.clauseKey);
    const until = new Date(Date.now() + input.hours * HOUR_MS);
    const notice: NoticeView = await this.transactions.run(async (tx) => {
      await this.memberships.muteIn(tx, memberId, groupId, until);
      await this.history.record(tx, [{ groupId, userId: memberId, clauseKey: input.clauseKey, action: 'mute', reviewItemId: null }]);
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'member.mute',
        groupId,
        subjectType: 'user',
        subjectId: memberId,
        detail: { clauseKey: input.clauseKey, hours: input.hours, until: until.toISOString(), note: input.note ?? null },
      });
      return this.notices.create(sanctionNotice(memberId, groupId, null, input.clauseKey, { kind: 'mute', until }), tx);
    });
    await this.memberships.changed(memberId, groupId);
    await this.notices.announce(notice);
    return { mutedUntil: until };
  }

  /** A member's past decisions and sanctions in this group only, for its supporters and the admins. */
  async memberHistory(user: AuthUser, groupId: string, memberId: string): Promise<MemberHistoryView> {
    const role = await this.participation.assertModerator(user, groupId, { hideExistence: true });
    const [membership, names, entries, decided] = await Promise.all([
      this.memberships.find(memberId, groupId),
      this.identity.displayNames([memberId]),
      this.history.forMembers([memberId], [groupId]),
      this.itemRows.decidedAbout(memberId, groupId, { adminItems: role === 'admin', limit: HISTORY_DECISIONS }),
    ]);
    // Someone who never belonged to the group has no history here; asking does not say whether they exist.
    if (!membership && entries.length === 0 && decided.length === 0) throw DomainError.notFound('That member');
    return {
      member: {
        id: memberId,
        displayName: names.get(memberId) ?? FORMER_MEMBER,
        role: membership?.role ?? null,
        status: membership?.status ?? null,
        mutedUntil: membership?.mutedUntil && membership.mutedUntil.getTime() > Date.now() ? membership.mutedUntil : null,
      },
      sanctions: entries
        .filter((e) => e.groupId === groupId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((e) => ({ action: e.action, clauseKey: e.clauseKey, createdAt: e.createdAt, reviewItemId: e.reviewItemId })),
      decisions: decided.flatMap((item) =>
        item.decision && item.decidedAt && (item.decision.action === 'approve' || item.decision.action === 'remove')
          ? [
              {
                reviewItemId: item.id,
                kind: item.kind,
                subjectType: item.subjectType,
                subjectId: item.subjectId,
                action: item.decision.action,
                clauseKey: item.decision.clauseKey,
                sanction: item.decision.sanction ?? null,
                decidedAt: item.decidedAt,
              },
            ]
          : [],
      ),
    };
  }
}
