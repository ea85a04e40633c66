import { Injectable } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { GroupsService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { SignpostingService } from '@kindred/signposting';
import { dueAt } from '../deadlines/sla';
import { ModerationConflict } from '../moderation-errors';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsService } from '../review/review-items.service';
import { ReviewReason, SubjectType } from '../review/review.types';
import { RulesService } from '../rules/rules.service';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { signpostingNotice } from '../screening-pipeline/signposting-notice';
import { screenStaffText, StaffTextOutcome } from '../screening-pipeline/staff-text';
import { ContentReportsRepository } from './content-reports.repository';

export interface ReportedSubject {
  type: SubjectType;
  id: string;
  groupId: string;
  authorId: string | null;
  revision: number;
  status: string;
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly reports: ContentReportsRepository,
    private readonly groups: GroupsService,
    private readonly reviewItems: ReviewItemsService,
    private readonly sources: ScreeningSources,
    private readonly rules: RulesService,
    private readonly notices: NoticesService,
    private readonly signposting: SignpostingService,
  ) {}

  /**
   * Records a member's report. The subject gets one open review item (reports add to it); at the
   * group's `reportsToHide` distinct reporters a published item is hidden pending review. Reports
   * on a supporter's words go to the admins, so members can report a volunteer safely.
   */
  async report(reporter: AuthUser, subject: ReportedSubject, clauseKey: string, note: string | undefined): Promise<{ id: string }> {
    if (subject.authorId === reporter.id)
      throw DomainError.validation([{ field: 'clauseKey', message: 'You cannot report your own words; you can edit or delete them.' }]);
    await this.groups.assertClause(subject.groupId, clauseKey);
    const settings = await this.groups.getSettings(subject.groupId);
    if (!settings) throw DomainError.notFound('That group');
    const supporters = new Set(await this.groups.supporterIds(subject.groupId));
    const authorIsSupporter = subject.authorId !== null && supporters.has(subject.authorId);
    // The note reaches only staff, but it is screened like everything a member writes.
    const screened = note ? screenStaffText(note, 'note', await this.rules.compiledFor(subject.groupId)) : null;
    if (screened?.refused) throw DomainError.validation([{ field: 'note', message: refusal(screened.refused.clauseKey) }]);
    const crisis = screened?.crisis === true;
    const resources = crisis ? await this.signposting.crisisResources(subject.groupId) : [];
    let opened: { item: ReviewItem; created: boolean } | undefined;
    let notice: NoticeView | undefined;

    const source = this.sources.reviewed(subject.type);
    const report = await this.transactions.run(async (tx) => {
      // The subject row first, then its review item: the one lock order of edits and decisions.
      const locked = await source.lockForVerdict(tx, subject.id);
      if (!locked) throw DomainError.notFound('That');
      const id = await this.reports.insert(tx, {
        groupId: subject.groupId,
        subjectType: subject.type,
        subjectId: subject.id,
        reporterId: reporter.id,
        clauseKey,
        note: screened?.text ?? null,
      });
      if (!id) throw DomainError.conflict('You have already reported this. A supporter will look at it.', ModerationConflict.ALREADY_REPORTED);
      const count = await this.reports.reporterCount(tx, subject.type, subject.id);
      opened = await this.reviewItems.openOrMerge(tx, {
        groupId: subject.groupId,
        kind: 'report',
        subjectType: subject.type,
        subjectId: subject.id,
        subjectRevision: locked.revision,
        subjectAuthorId: subject.authorId,
        reasons: [{ source: 'reports', detail: `${count} member${count === 1 ? '' : 's'} reported this`, clauseKey }, ...writerInCrisis(screened, reporter)],
        priority: crisis ? 'urgent' : 'normal',
        audience: authorIsSupporter ? 'admins' : 'supporters',
        dueAt: dueAt(new Date(), crisis ? settings.moderation.urgentSlaMinutes : settings.moderation.reviewSlaMinutes),
      });
      if (crisis) {
        notice = await this.notices.create(
          signpostingNotice({
            userId: reporter.id,
            groupId: subject.groupId,
            subjectId: subject.id,
            resources: resources as unknown as Array<Record<string, unknown>>,
          }),
          tx,
        );
      }
      // The source hides only what others can see at this moment.
      if (count >= settings.moderation.reportsToHide) await source.hide(tx, subject.id);
      return { id };
    });
    if (notice) await this.notices.announce(notice);
    if (opened) await this.reviewItems.announce(opened.item, opened.created ? 'review:new' : 'review:updated');
    return report;
  }
}

/** 422 for a note or an appeal that a group rule blocks. */
export function refusal(clauseKey: string | undefined): string {
  return `This could not be sent because it goes against the group agreement${clauseKey ? ` (clause "${clauseKey}")` : ''}. Please reword it.`;
}

/**
 * The crisis reasons found in words a member wrote to staff (a report note, an appeal), saying
 * whose words they were, since the item is about someone else's content (or their own, appealed).
 */
export function writerInCrisis(screened: StaffTextOutcome | null, writer: Pick<AuthUser, 'displayName'>): ReviewReason[] {
  if (!screened?.crisis) return [];
  return screened.reasons.map((r) => ({ ...r, detail: `${r.detail}, in what ${writer.displayName} wrote: they may need support` }));
}
