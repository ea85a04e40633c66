import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { Transactions, type Tx } from '@kindred/database';
import { GroupsService, MembershipService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { NewNotice, NoticesService, NoticeView } from '@kindred/notifications';
import { AppealsRepository } from '../appeals/appeals.repository';
import { ContentReportsRepository } from '../reports/content-reports.repository';
import { ReviewMetrics } from '../metrics/review-metrics';
import { ModerationConflict } from '../moderation-errors';
import { quoteOf } from '../screening-pipeline/notice-quote';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { EnforcementHistoryRepository } from './enforcement-history.repository';
import { ReviewItem } from './review-item.entity';
import { ReviewItemsRepository } from './review-items.repository';
import { claimHolder, ReviewItemsService, ReviewItemView } from './review-items.service';
import type { DecisionRecord } from './review.types';
import type { SanctionKind } from './stepped-enforcement';
import { contentEffect } from './decision-rules';

export interface Sanction {
  kind: SanctionKind;
  /** Mutes only: how long, in hours. */
  hours?: number;
}

export interface Decision {
  action: 'approve' | 'remove' | 'escalate';
  clauseKey?: string;
  note?: string;
  sanction?: Sanction;
}

/** What a committed decision still has to do once the transaction is over. */
interface Committed {
  item: ReviewItem;
  notices: NoticeView[];
  contentStatus: 'published' | 'removed' | null;
  sanction: { kind: SanctionKind; until: Date | null } | null;
  /** A member whose standing the decision changed inside the transaction: a mute or ban imposed, or one an upheld appeal lifted. */
  standingChanged: string | null;
}

/** What an upheld appeal undid of the decision it contests. */
interface Overturned {
  /** Whom the appealed decision was about; null when screening made it, or their account is gone. */
  memberId: string | null;
  /** The sanction that came with the appealed decision, and whether the appeal lifted it. */
  sanction: { kind: SanctionKind; lifted: boolean } | null;
  /** Set when a separate decision still keeps the member muted or banned. */
  stillInForce: { kind: 'mute'; until: Date } | { kind: 'ban' } | null;
}

const HOUR_MS = 3600_000;

/** What supporters and admins do with review items: see the queue in order, claim, and decide. */
@Injectable()
export class ReviewQueueService {
  constructor(
    private readonly transactions: Transactions,
    private readonly itemRows: ReviewItemsRepository,
    private readonly history: EnforcementHistoryRepository,
    private readonly appeals: AppealsRepository,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly memberships: MembershipService,
    private readonly items: ReviewItemsService,
    private readonly sources: ScreeningSources,
    private readonly notices: NoticesService,
    private readonly audit: AuditLogService,
    private readonly metrics: ReviewMetrics,
    private readonly reports: ContentReportsRepository,
  ) {}

  /** Urgent first, then by deadline. Supporters see their group's items; items for admins only admins see. */
  async list(user: AuthUser, groupId: string, status: 'open' | 'decided'): Promise<{ items: ReviewItemView[] }> {
    const role = await this.participation.assertModerator(user, groupId);
    // Someone else reviews what a moderator wrote, so it is left out of their own queue.
    const items = await this.itemRows.queue(groupId, status, { adminItems: role === 'admin', hideAuthor: user.id });
    return { items: await this.items.views(items, user) };
  }

  /** A review item the caller may act on; anyone else is told it does not exist. */
  async itemFor(user: AuthUser, itemId: string): Promise<ReviewItem> {
    const item = await this.itemRows.find(itemId);
    if (!item) throw DomainError.notFound('That review item');
    const role = await this.participation.assertModerator(user, item.groupId, { hideExistence: true });
    if (item.audience === 'admins' && role !== 'admin') throw DomainError.notFound('That review item');
    return item;
  }

  /**
   * A claim reserves an item, and its decision, for 10 minutes; claiming again renews one's own.
   * Another moderator can take it over only by saying so (`takeOver`), which the audit log records.
   */
  async claim(user: AuthUser, itemId: string, options: { takeOver?: boolean } = {}): Promise<ReviewItemView> {
    const visible = await this.itemFor(user, itemId);
    this.assertMayDecide(user, visible);
    const item = await this.transactions.run(async (tx) => {
      const locked = await this.lockItem(tx, itemId);
      if (locked.status === 'superseded') throw await this.superseded(tx, user, locked);
      if (locked.status !== 'open') throw DomainError.conflict('This item has already been decided.', ModerationConflict.ITEM_DECIDED);
      const holder = claimHolder(locked);
      if (holder && holder !== user.id) {
        if (!options.takeOver) {
          throw DomainError.conflict(
            'Another moderator is looking at this item right now. Try another one, come back in a few minutes, or take it over if it cannot wait.',
            ModerationConflict.ITEM_CLAIMED,
          );
        }
        await this.audit.record(tx, {
          actorId: user.id,
          action: 'review.takeover',
          groupId: locked.groupId,
          subjectType: locked.subjectType,
          subjectId: locked.subjectId,
          detail: { reviewItemId: locked.id, previousClaimedBy: holder },
        });
      }
      const claimedAt = new Date();
      await this.itemRows.update(tx, itemId, { claimedBy: user.id, claimedAt });
      return { ...locked, claimedBy: user.id, claimedAt };
    });
    await this.items.announce(item, 'review:updated');
    const [view] = await this.items.views([item], user);
    return view!;
  }

  async decide(user: AuthUser, itemId: string, decision: Decision): Promise<ReviewItemView> {
    const visible = await this.itemFor(user, itemId);
    this.assertMayDecide(user, visible);
    await this.validate(user, visible, decision);

    const source = this.sources.reviewed(visible.subjectType);
    const committed = await retryDeadlockOnce(() =>
      this.transactions.run(async (tx): Promise<Committed> => {
        // One lock order for everything that changes content and its review items (edits, screening
        // verdicts, reports, decisions): the subject row first, then the item.
        const subject = await source.lockForVerdict(tx, visible.subjectId);
        const item = await this.lockItem(tx, itemId);
        if (item.status === 'superseded') throw await this.superseded(tx, user, item);
        if (item.status !== 'open') throw DomainError.conflict('This item has already been decided.', ModerationConflict.ITEM_DECIDED);
        // Checked under the row lock, so a claim made a moment ago cannot slip past.
        const holder = claimHolder(item);
        if (holder && holder !== user.id) {
          throw DomainError.conflict(
            'Another moderator claimed this item in the last 10 minutes, so it is theirs to decide for now. Try another item, take it over, or come back when their claim runs out.',
            ModerationConflict.ITEM_CLAIMED,
          );
        }
        if (decision.action === 'escalate') return this.escalate(tx, user, item, decision);
        const effect = contentEffect(item, subject, decision.action);
        return this.settle(tx, user, item, effect, { ...decision, action: decision.action }, subject ? quoteOf(subject) : null);
      }),
    );

    // Published after commit, so a rolled-back decision is never announced.
    const { item } = committed;
    if (committed.standingChanged) await this.memberships.changed(committed.standingChanged, item.groupId);
    for (const notice of committed.notices) await this.notices.announce(notice);
    await this.items.announce(item, 'review:updated');
    if (item.status === 'decided' && item.decidedAt) this.metrics.observeDecision((item.decidedAt.getTime() - item.createdAt.getTime()) / 1000);
    if (committed.contentStatus) await source.afterStatusChange?.(item.subjectId, item.groupId, committed.contentStatus);
    const [view] = await this.items.views([item], user);
    return view!;
  }

  private lockItem(tx: Tx, itemId: string): Promise<ReviewItem> {
    return this.itemRows.lock(tx, itemId);
  }

  /** 409 ITEM_SUPERSEDED, with the item that describes the content now (if any, and if the caller may see it). */
  private async superseded(tx: Tx, user: AuthUser, item: ReviewItem): Promise<DomainError> {
    const current = await this.items.currentOpen(tx, item.subjectType, item.subjectId);
    const visible = current && (current.audience !== 'admins' || user.isAdmin) ? current.id : null;
    return new DomainError(
      'ITEM_SUPERSEDED',
      'The author changed these words after this item was opened, so deciding it would not decide what is there now. The new words are screened on their own: look at the current item instead.',
      { currentItemId: visible },
    );
  }

  /** Nobody reviews their own words, and whoever made a decision may not review the appeal against it. */
  private assertMayDecide(user: AuthUser, item: ReviewItem): void {
    if (item.subjectAuthorId === user.id) throw DomainError.forbidden('Someone else needs to review what you wrote.');
    if (item.appeal?.originalDecidedBy && item.appeal.originalDecidedBy === user.id) {
      throw DomainError.forbidden('You made the decision being appealed, so another supporter or an admin needs to review the appeal.');
    }
  }

  private async validate(user: AuthUser, item: ReviewItem, decision: Decision): Promise<void> {
    if (decision.action === 'remove' && !decision.clauseKey) {
      throw DomainError.validation([{ field: 'clauseKey', message: 'A removal must cite the clause of the group agreement it breaks.' }]);
    }
    if (decision.sanction) {
      if (decision.action !== 'remove' || item.kind === 'appeal') {
        throw DomainError.validation([{ field: 'sanction', message: 'A sanction goes with removing what was written, never on its own.' }]);
      }
      if (decision.sanction.kind === 'mute' && !decision.sanction.hours) {
        throw DomainError.validation([{ field: 'sanction.hours', message: 'Say for how many hours the member is muted.' }]);
      }
      if (decision.sanction.kind !== 'mute' && decision.sanction.hours !== undefined) {
        throw DomainError.validation([{ field: 'sanction.hours', message: 'Only a mute lasts a number of hours.' }]);
      }
      if (!item.subjectAuthorId) throw DomainError.validation([{ field: 'sanction', message: 'The author of this no longer has an account.' }]);
      if (!user.isAdmin && (await this.items.isStaff(item.subjectAuthorId, item.groupId))) {
        throw DomainError.forbidden('Only an admin can sanction a supporter or an admin. Remove the words if needed, or escalate the item to the admins.');
      }
      if (decision.sanction.kind === 'mute') {
        const membership = await this.memberships.find(item.subjectAuthorId, item.groupId);
        if (membership?.status !== 'active') throw DomainError.validation([{ field: 'sanction', message: 'The author is no longer a member of this group.' }]);
      }
    }
    if (decision.clauseKey) await this.groups.assertClause(item.groupId, decision.clauseKey);
  }

  private async escalate(tx: Tx, user: AuthUser, item: ReviewItem, decision: Decision): Promise<Committed> {
    const reasons = [...item.reasons, { source: 'escalation' as const, detail: 'Escalated to admins by a moderator' }];
    await this.itemRows.update(tx, item.id, { audience: 'admins', reasons, claimedBy: null, claimedAt: null });
    await this.audit.record(tx, {
      actorId: user.id,
      action: 'review.escalate',
      groupId: item.groupId,
      subjectType: item.subjectType,
      subjectId: item.subjectId,
      detail: { reviewItemId: item.id, kind: item.kind, clauseKey: decision.clauseKey ?? null },
    });
    return {
      item: { ...item, audience: 'admins', reasons, claimedBy: null, claimedAt: null },
      notices: [],
      contentStatus: null,
      sanction: null,
      standingChanged: null,
    };
  }

  /** Approve or remove: the content, the item, the member's history, the notices and the audit entry, all in one transaction. */
  private async settle(
    tx: Tx,
    user: AuthUser,
    item: ReviewItem,
    contentStatus: 'published' | 'removed' | null,
    decision: Decision & { action: 'approve' | 'remove' },
    quote: string | null = null,
  ): Promise<Committed> {
    const now = new Date();
    const isAppeal = item.kind === 'appeal';
    const authorId = item.subjectAuthorId;
    // Only the revision the item is about is published or removed (see contentEffect).
    if (contentStatus) await this.sources.reviewed(item.subjectType).setStatus(tx, item.subjectId, contentStatus);

    const sanction = decision.sanction
      ? { kind: decision.sanction.kind, until: decision.sanction.kind === 'mute' ? new Date(now.getTime() + (decision.sanction.hours ?? 0) * HOUR_MS) : null }
      : null;
    const record: DecisionRecord = {
      action: decision.action,
      clauseKey: decision.clauseKey ?? null,
      note: decision.note ?? null,
      sanction: sanction ? { kind: sanction.kind, hours: decision.sanction?.hours ?? null, until: sanction.until?.toISOString() ?? null } : null,
    };
    // The words kept for a supporter to read are not needed once one has decided.
    await this.itemRows.update(tx, item.id, { status: 'decided', decidedBy: user.id, decidedAt: now, decision: record, subjectSnapshot: null });
    // The sanction takes effect with the decision that imposes it, or not at all.
    if (authorId && sanction?.kind === 'mute' && sanction.until) await this.memberships.muteIn(tx, authorId, item.groupId, sanction.until);
    if (authorId && sanction?.kind === 'ban') await this.memberships.banIn(tx, authorId, item.groupId);

    const notices: NoticeView[] = [];
    if (authorId && decision.action === 'remove' && !isAppeal) {
      const clauseKey = decision.clauseKey!;
      const actions = ['removal' as const, ...(sanction ? [sanction.kind] : [])];
      await this.history.record(
        tx,
        actions.map((action) => ({ groupId: item.groupId, userId: authorId, clauseKey, action, reviewItemId: item.id })),
      );
      // When the author had already changed the words, nothing is removed: the notice says what was decided.
      const removed = contentStatus === 'removed';
      notices.push(
        await this.notices.create(
          {
            userId: authorId,
            kind: 'removal',
            groupId: item.groupId,
            subjectId: item.subjectId,
            clauseKey,
            message: removed
              ? 'A supporter removed something you wrote because it goes against the group agreement. You can appeal if you think this is wrong.'
              : 'A supporter decided that something you wrote, which you have since changed or deleted, went against the group agreement.',
            appealable: removed,
            // Only the words the decision is about, and only while they are the ones that were removed.
            quote: removed ? quote : null,
          },
          tx,
        ),
      );
      if (sanction) notices.push(await this.notices.create(sanctionNotice(authorId, item.groupId, item.subjectId, clauseKey, sanction), tx));
    }

    if (!isAppeal) {
      // Everyone who reported these words hears the outcome once: never the sanction, nor who decided.
      for (const reporterId of await this.reports.takeUntoldReporters(tx, item.subjectType, item.subjectId)) {
        if (reporterId === authorId) continue;
        notices.push(await this.notices.create(reportOutcomeNotice(reporterId, item, decision.action, contentStatus), tx));
      }
    }

    const appealed = isAppeal ? await this.appealedDecision(tx, item) : null;
    const overturned = isAppeal && decision.action === 'approve' ? await this.overturn(tx, user, item, appealed, now) : null;
    if (isAppeal) {
      // Whoever appealed hears the outcome either way; an upheld appeal also says what it lifted.
      for (const userId of await this.appeals.appellantIds(tx, item.id)) {
        notices.push(await this.notices.create(appealOutcomeNotice(userId, item, decision, overturned), tx));
      }
    }

    await this.audit.record(
      tx,
      {
        actorId: user.id,
        action: isAppeal ? (decision.action === 'approve' ? 'appeal.upheld' : 'appeal.refused') : `review.${decision.action}`,
        groupId: item.groupId,
        subjectType: item.subjectType,
        subjectId: item.subjectId,
        detail: {
          reviewItemId: item.id,
          kind: item.kind,
          clauseKey: decision.clauseKey ?? null,
          subjectAuthorId: authorId,
          sanction: record.sanction,
          ...(isAppeal && item.appeal
            ? { noticeId: item.appeal.noticeId, originalDecidedBy: item.appeal.originalDecidedBy, originalReviewItemId: appealed?.id ?? null }
            : {}),
        },
      },
      now,
    );
    const imposed = authorId && sanction && sanction.kind !== 'warn' ? authorId : null;
    return {
      item: { ...item, status: 'decided', decidedBy: user.id, decidedAt: now, decision: record, subjectSnapshot: null },
      notices,
      contentStatus,
      sanction,
      // A warning lives only in the history; an imposed or lifted mute or ban changed the membership.
      standingChanged: imposed ?? (overturned?.sanction?.lifted && overturned.sanction.kind !== 'warn' ? overturned.memberId : null),
    };
  }

  /** The decided review item an appeal contests, if a moderator made that decision. */
  private async appealedDecision(tx: Tx, item: ReviewItem): Promise<ReviewItem | null> {
    if (!item.appeal) return null;
    let id = item.appeal.originalReviewItemId;
    // Appeals opened before the id was recorded find the decision the way they found its decider.
    if (id === undefined) id = item.appeal.originalDecidedBy ? ((await this.items.lastRemoval(item.subjectType, item.subjectId, tx))?.id ?? null) : null;
    return id ? this.itemRows.find(id, tx) : null;
  }

  /**
   * An upheld appeal undoes the appealed decision: its removal and sanction leave the member's
   * history, so stepped enforcement stops counting them, and its mute or ban is lifted — unless a
   * later mute has replaced it, or another ban on the member's record still stands.
   */
  private async overturn(tx: Tx, user: AuthUser, item: ReviewItem, appealed: ReviewItem | null, now: Date): Promise<Overturned> {
    const memberId = appealed?.subjectAuthorId ?? null;
    if (!appealed || !memberId) return { memberId, sanction: null, stillInForce: null };
    const { groupId } = appealed;
    await this.history.deleteForItem(tx, appealed.id);
    const given = appealed.decision?.sanction ?? null;
    if (!given) return { memberId, sanction: null, stillInForce: null };

    let lifted = given.kind === 'warn';
    if (given.kind === 'mute' && given.until) lifted = await this.memberships.liftMute(tx, memberId, groupId, new Date(given.until));
    if (given.kind === 'ban') {
      const anotherBan = await this.history.hasBan(tx, groupId, memberId);
      lifted = !anotherBan && (await this.memberships.liftBan(tx, memberId, groupId));
    }
    if (lifted) {
      await this.audit.record(
        tx,
        {
          actorId: user.id,
          action: 'sanction.lifted',
          groupId,
          subjectType: item.subjectType,
          subjectId: item.subjectId,
          detail: { kind: given.kind, reviewItemId: appealed.id, appealReviewItemId: item.id, subjectAuthorId: memberId },
        },
        now,
      );
    }

    let stillInForce: Overturned['stillInForce'] = null;
    if (!lifted && given.kind !== 'warn') {
      const standing = await this.memberships.find(memberId, groupId, tx);
      if (given.kind === 'ban' && standing?.status === 'banned') stillInForce = { kind: 'ban' };
      if (given.kind === 'mute' && standing?.mutedUntil && standing.mutedUntil > now) stillInForce = { kind: 'mute', until: standing.mutedUntil };
    }
    return { memberId, sanction: { kind: given.kind, lifted }, stillInForce };
  }
}

/**
 * Tells a member who reported a post or message what became of it, in plain words. It never says
 * what happened to the person who wrote it (a warning, a mute, a ban) nor who decided.
 */
export function reportOutcomeNotice(
  userId: string,
  item: Pick<ReviewItem, 'groupId' | 'subjectId' | 'subjectType'>,
  action: 'approve' | 'remove',
  contentStatus: 'published' | 'removed' | null,
): NewNotice {
  const what = item.subjectType === 'post' ? 'post' : 'message';
  const thanks = `Thank you for reporting a ${what}.`;
  let message: string;
  if (action === 'remove') {
    message =
      contentStatus === 'removed'
        ? `${thanks} A supporter read it and agreed it goes against the group agreement, so it has been taken down. Nobody else can see it now.`
        : `${thanks} A supporter read it and agreed it went against the group agreement. It is no longer there in the form you reported.`;
  } else {
    message =
      contentStatus === 'published'
        ? `${thanks} A supporter read it carefully and decided it does not go against the group agreement, so it stays in the group. Reports help keep the group safe: please keep telling us when something worries you.`
        : `${thanks} A supporter read it carefully and decided it did not go against the group agreement. Reports help keep the group safe: please keep telling us when something worries you.`;
  }
  return { userId, kind: 'report-outcome', groupId: item.groupId, subjectId: item.subjectId, clauseKey: null, message, appealable: false };
}

/** Tells an appellant how their appeal was decided (`overturned` is null when it was not upheld). */
function appealOutcomeNotice(userId: string, item: ReviewItem, decision: Decision, overturned: Overturned | null): NewNotice {
  const base = { userId, kind: 'appeal' as const, groupId: item.groupId, subjectId: item.subjectId, appealable: false };
  if (!overturned) {
    return {
      ...base,
      clauseKey: decision.clauseKey ?? null,
      message: 'Your appeal was not upheld. A different supporter looked at it again, and the decision stands.',
    };
  }
  const parts = ['Your appeal was upheld. A different supporter looked at it again and agreed with you, so what you wrote is published in the group.'];
  const { sanction, stillInForce } = overturned;
  if (sanction?.lifted) {
    parts.push(
      sanction.kind === 'warn'
        ? 'The warning that came with that decision no longer counts against you.'
        : sanction.kind === 'mute'
          ? 'The mute that came with that decision is lifted.'
          : 'The ban that came with that decision is lifted: you are a member of the group again.',
    );
  }
  if (stillInForce?.kind === 'mute') parts.push('A separate decision still keeps you muted in this group for a while.');
  if (stillInForce?.kind === 'ban') parts.push('A separate decision still keeps you banned from this group.');
  return { ...base, clauseKey: null, message: parts.join(' '), until: stillInForce?.kind === 'mute' ? stillInForce.until : null };
}

export function sanctionNotice(
  userId: string,
  groupId: string,
  subjectId: string | null,
  clauseKey: string,
  sanction: { kind: SanctionKind; until: Date | null },
) {
  const base = { userId, groupId, subjectId, clauseKey, appealable: false };
  switch (sanction.kind) {
    case 'warn':
      return {
        ...base,
        kind: 'warning' as const,
        message: 'This is a warning: please keep to the group agreement. Repeated problems can lead to a mute or a ban.',
      };
    case 'mute':
      return {
        ...base,
        kind: 'mute' as const,
        message: 'You are muted in this group for a while for going against the group agreement. You can still read.',
        until: sanction.until,
      };
    case 'ban':
      return { ...base, kind: 'ban' as const, message: 'You have been banned from this group for going against the group agreement.' };
  }
}

/**
 * Runs a transaction again once if PostgreSQL broke a deadlock by aborting it. The lock order
 * should make deadlocks impossible; this keeps a missed path from ever answering 500.
 */
async function retryDeadlockOnce<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
    if (code !== '40P01') throw error;
    return run();
  }
}
