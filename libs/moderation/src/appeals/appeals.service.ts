import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { bannedError, GroupsService, mutedError, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { SignpostingService } from '@kindred/signposting';
import { dueAt } from '../deadlines/sla';
import { ModerationConflict } from '../moderation-errors';
import { ReviewItemsService } from '../review/review-items.service';
import type { SubjectType, SubjectView } from '../review/review.types';
import { refusal, writerInCrisis } from '../reports/reports.service';
import { RulesService } from '../rules/rules.service';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { signpostingNotice } from '../screening-pipeline/signposting-notice';
import { screenStaffText } from '../screening-pipeline/staff-text';
import { EnforcementHistoryRepository } from '../review/enforcement-history.repository';
import { AppealsRepository } from './appeals.repository';

type AppealedNotice = NoticeView & { userId: string };

export interface AppealReceipt {
  id: string;
  noticeId: string;
  reviewItemId: string;
  status: 'open';
}

/** Members appeal what happened to their words; a different moderator decides (DESIGN.md, step 5). */
@Injectable()
export class AppealsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly appeals: AppealsRepository,
    private readonly history: EnforcementHistoryRepository,
    private readonly groups: GroupsService,
    private readonly reviewItems: ReviewItemsService,
    private readonly sources: ScreeningSources,
    private readonly audit: AuditLogService,
    private readonly participation: ParticipationService,
    private readonly rules: RulesService,
    private readonly notices: NoticesService,
    private readonly signposting: SignpostingService,
  ) {}

  /** POST /notices/:noticeId/appeal. Only the notice's recipient may appeal it, once. */
  async appeal(user: AuthUser, noticeId: string, text: string): Promise<AppealReceipt> {
    const notice = await this.notices.find(noticeId);
    if (!notice || notice.userId !== user.id) throw DomainError.notFound('That notice');
    if (!notice.appealable || !notice.groupId || !notice.subjectId)
      throw DomainError.conflict('This notice is not about a decision that can be appealed.', ModerationConflict.NOT_APPEALABLE);
    const groupId = notice.groupId;
    await this.assertOpenUnderSanction(user, { ...notice, groupId, subjectId: notice.subjectId });
    const subject = await this.subject(notice.subjectId);
    if (!subject) throw DomainError.conflict('What this notice was about no longer exists, so there is nothing to appeal.', ModerationConflict.SUBJECT_GONE);
    const settings = await this.groups.getSettings(groupId);
    if (!settings) throw DomainError.notFound('That notice');
    const appealed = notice.kind === 'removal' ? await this.reviewItems.lastRemoval(subject.type, subject.id) : null;
    const originalDecidedBy = appealed?.decidedBy ?? null;
    const originalReviewItemId = appealed?.id ?? null;
    const supporters = new Set(await this.groups.supporterIds(groupId));
    const authorId = subject.author?.id ?? user.id;
    const now = new Date();
    // The appeal reaches only staff, but it is screened like everything a member writes.
    const screened = screenStaffText(text, 'appealText', await this.rules.compiledFor(groupId));
    if (screened.refused) throw DomainError.validation([{ field: 'text', message: refusal(screened.refused.clauseKey) }]);
    const resources = screened.crisis ? await this.signposting.crisisResources(groupId) : [];
    let signposted: NoticeView | undefined;

    const { receipt, opened } = await this.transactions.run(async (tx) => {
      // The subject row first, then its review item (the lock order of decisions), and the revision as it is now: upholding publishes that one.
      const current = await this.sources.reviewed(subject.type).lockForVerdict(tx, subject.id);
      const appealId = await this.appeals.insert(tx, noticeId, user.id);
      if (!appealId) throw DomainError.conflict('You have already appealed this. A supporter will look at it.', ModerationConflict.ALREADY_APPEALED);
      const opened = await this.reviewItems.openOrMerge(tx, {
        groupId,
        kind: 'appeal',
        subjectType: subject.type,
        subjectId: subject.id,
        subjectRevision: current?.revision ?? subject.revision,
        subjectAuthorId: authorId,
        reasons: [
          { source: 'appeal', detail: 'The author appealed the decision', ...(notice.clauseKey ? { clauseKey: notice.clauseKey } : {}) },
          ...writerInCrisis(screened, user),
        ],
        priority: screened.crisis ? 'urgent' : 'normal',
        // As with reports, a supporter's own appeal is for the admins to weigh.
        audience: supporters.has(authorId) ? 'admins' : 'supporters',
        dueAt: dueAt(now, screened.crisis ? settings.moderation.urgentSlaMinutes : settings.moderation.reviewSlaMinutes),
        appeal: { noticeId, text: screened.text, originalDecidedBy, originalReviewItemId },
      });
      if (screened.crisis) {
        signposted = await this.notices.create(
          signpostingNotice({ userId: user.id, groupId, subjectId: subject.id, resources: resources as unknown as Array<Record<string, unknown>> }),
          tx,
        );
      }
      await this.appeals.linkReviewItem(tx, appealId, opened.item.id);
      await this.audit.record(tx, {
        actorId: user.id,
        action: 'appeal.opened',
        groupId,
        subjectType: subject.type,
        subjectId: subject.id,
        detail: { reviewItemId: opened.item.id, noticeId, clauseKey: notice.clauseKey, originalDecidedBy, originalReviewItemId },
      });
      return { receipt: { id: appealId, noticeId, reviewItemId: opened.item.id, status: 'open' as const }, opened };
    });
    if (signposted) await this.notices.announce(signposted);
    await this.reviewItems.announce(opened.item, opened.created ? 'review:new' : 'review:updated');
    return receipt;
  }

  /**
   * A muted or banned member's appeal still reaches supporters, so while the sanction lasts only the
   * appeal of the decision that imposed it stays open: the removal notice that came with the mute or ban
   * (appealing it contests the sanction too). Any other appeal answers 403 MUTED or BANNED.
   */
  private async assertOpenUnderSanction(user: AuthUser, notice: AppealedNotice & { groupId: string; subjectId: string }): Promise<void> {
    if (user.isAdmin) return;
    const sanction = await this.participation.sanction(user.id, notice.groupId);
    if (!sanction) return;
    if (notice.kind === 'removal' && (await this.history.imposedOver(user.id, notice.groupId, sanction.kind, notice.subjectId))) return;
    throw sanction.kind === 'ban' ? bannedError() : mutedError(sanction.until);
  }

  /** The appealed content, from whichever source knows the id, with its current revision. */
  private async subject(subjectId: string): Promise<(SubjectView & { revision: number }) | null> {
    const reviewed = await this.reviewItems.latestFor(subjectId);
    const types: SubjectType[] = reviewed ? [reviewed.subjectType] : this.sources.allReviewed().map((s) => s.type);
    for (const type of types) {
      const view = (await this.sources.reviewed(type).describe([subjectId])).get(subjectId);
      if (view) return { ...view, revision: reviewed?.subjectRevision ?? 1 };
    }
    return null;
  }
}
