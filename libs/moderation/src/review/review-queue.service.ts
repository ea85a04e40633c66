import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GroupsService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { ScreeningSources } from '../screening-pipeline/screening-source';
import { ReviewItem } from './review-item.entity';
import { ReviewItemsService, ReviewItemView } from './review-items.service';

export interface Decision {
  action: 'approve' | 'remove' | 'escalate';
  clauseKey?: string;
  note?: string;
}

/** What supporters and admins do with review items: see the queue in order, and decide. */
@Injectable()
export class ReviewQueueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
    private readonly items: ReviewItemsService,
    private readonly sources: ScreeningSources,
  ) {}

  /** Urgent first, then by deadline. Supporters see their group's items; items for admins only admins see. */
  async list(user: AuthUser, groupId: string, status: 'open' | 'decided'): Promise<{ items: ReviewItemView[] }> {
    const role = await this.participation.assertModerator(user, groupId);
    const qb = this.dataSource
      .getRepository(ReviewItem)
      .createQueryBuilder('r')
      .where('r.group_id = :groupId AND r.status = :status', { groupId, status })
      .orderBy(`CASE WHEN r.priority = 'urgent' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('r.due_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(200);
    if (role !== 'admin') qb.andWhere(`r.audience = 'supporters'`);
    return { items: await this.items.views(await qb.getMany()) };
  }

  /** A review item the caller may act on; anyone else is told it does not exist. */
  async itemFor(user: AuthUser, itemId: string): Promise<ReviewItem> {
    const item = await this.dataSource.getRepository(ReviewItem).findOne({ where: { id: itemId } });
    if (!item) throw DomainError.notFound('That review item');
    const role = await this.participation.assertModerator(user, item.groupId, { hideExistence: true });
    if (item.audience === 'admins' && role !== 'admin') throw DomainError.notFound('That review item');
    return item;
  }

  async decide(user: AuthUser, itemId: string, decision: Decision): Promise<ReviewItemView> {
    const visible = await this.itemFor(user, itemId);
    if (decision.action === 'remove') {
      if (!decision.clauseKey) throw DomainError.validation([{ field: 'clauseKey', message: 'A removal must cite the clause of the group agreement it breaks.' }]);
      await this.groups.assertClause(visible.groupId, decision.clauseKey);
    }
    const decided = await this.dataSource.transaction(async (manager) => {
      const item = await manager.getRepository(ReviewItem).createQueryBuilder('r').setLock('pessimistic_write').where('r.id = :id', { id: itemId }).getOneOrFail();
      if (item.status !== 'open') throw DomainError.conflict('This item has already been decided.');
      const source = this.sources.get(item.subjectType);
      if (decision.action === 'escalate') {
        const reasons = [...item.reasons, { source: 'escalation' as const, detail: decision.note ?? 'Escalated to admins' }];
        await manager.update(ReviewItem, { id: item.id }, { audience: 'admins', reasons, claimedBy: null, claimedAt: null });
        return { ...item, audience: 'admins' as const, reasons, claimedBy: null, claimedAt: null };
      }
      await source.setStatus(manager, item.subjectId, decision.action === 'approve' ? 'published' : 'removed');
      const now = new Date();
      const record = { action: decision.action, clauseKey: decision.clauseKey ?? null, note: decision.note ?? null };
      await manager.update(ReviewItem, { id: item.id }, { status: 'decided', decidedBy: user.id, decidedAt: now, decision: record } as QueryDeepPartialEntity<ReviewItem>);
      return { ...item, status: 'decided' as const, decidedBy: user.id, decidedAt: now, decision: record };
    });
    await this.items.announce(decided, 'review:updated');
    if (decided.status === 'decided' && decision.action !== 'escalate') {
      await this.sources.get(decided.subjectType).afterStatusChange?.(decided.subjectId, decided.groupId, decision.action === 'approve' ? 'published' : 'removed');
    }
    const [view] = await this.items.views([decided]);
    return view!;
  }
}
