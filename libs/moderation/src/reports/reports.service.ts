import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupsService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { dueAt } from '../deadlines/sla';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsService } from '../review/review-items.service';
import { SubjectType } from '../review/review.types';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ContentReport } from './content-report.entity';

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsService,
    private readonly reviewItems: ReviewItemsService,
    private readonly sources: ScreeningSources,
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
    let opened: { item: ReviewItem; created: boolean } | undefined;

    const source = this.sources.get(subject.type);
    const report = await this.dataSource.transaction(async (manager) => {
      // The subject row first, then its review item: the one lock order of edits and decisions.
      const locked = await source.lockForVerdict(manager, subject.id);
      if (!locked) throw DomainError.notFound('That');
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ContentReport)
        .values({ groupId: subject.groupId, subjectType: subject.type, subjectId: subject.id, reporterId: reporter.id, clauseKey, note: note ?? null })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
      if (!id) throw DomainError.conflict('You have already reported this. A supporter will look at it.');
      const [{ count }] = (await manager.query(
        `SELECT count(DISTINCT reporter_id)::int AS count FROM content_reports WHERE subject_type = $1 AND subject_id = $2`,
        [subject.type, subject.id],
      )) as Array<{ count: number }>;
      opened = await this.reviewItems.openOrMerge(manager, {
        groupId: subject.groupId,
        kind: 'report',
        subjectType: subject.type,
        subjectId: subject.id,
        subjectRevision: locked.revision,
        subjectAuthorId: subject.authorId,
        reasons: [{ source: 'reports', detail: `${count} member${count === 1 ? '' : 's'} reported this`, clauseKey }],
        priority: 'normal',
        audience: authorIsSupporter ? 'admins' : 'supporters',
        dueAt: dueAt(new Date(), settings.moderation.reviewSlaMinutes),
      });
      // The source hides only what others can see at this moment.
      if (count >= settings.moderation.reportsToHide) await source.hide(manager, subject.id);
      return { id };
    });
    if (opened) await this.reviewItems.announce(opened.item, opened.created ? 'review:new' : 'review:updated');
    return report;
  }
}
