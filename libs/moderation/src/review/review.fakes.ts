import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { ReviewItem } from './review-item.entity';
import type { NewReviewItem, ReviewItemsRepository } from './review-items.repository';
import type { SubjectType } from './review.types';

/** ReviewItemsRepository kept in memory, for the unit tier: the queries services use, with their rules. */
export class FakeReviewItemsRepository implements Pick<
  ReviewItemsRepository,
  'find' | 'findMany' | 'lock' | 'lockOpenFor' | 'insert' | 'update' | 'supersedeOpenMany' | 'currentOpen' | 'queue'
> {
  rows: ReviewItem[] = [];

  async find(id: string) {
    const row = this.rows.find((r) => r.id === id);
    return row ? { ...row } : null;
  }
  async findMany(ids: string[]) {
    return this.rows.filter((r) => ids.includes(r.id)).map((r) => ({ ...r }));
  }
  async lock(_tx: Tx, id: string) {
    const row = await this.find(id);
    if (!row) throw new Error(`no review item ${id}`);
    return row;
  }
  async lockOpenFor(_tx: Tx, subjectType: SubjectType, subjectId: string) {
    const row = this.rows.find((r) => r.subjectType === subjectType && r.subjectId === subjectId && r.status === 'open' && r.subjectChange === null);
    return row ? { ...row } : null;
  }
  async insert(_tx: Tx, values: NewReviewItem) {
    const item = { ...values, id: randomUUID() } as ReviewItem;
    this.rows.push({ ...item });
    return item;
  }
  async update(_tx: Tx, id: string, changes: Partial<NewReviewItem>) {
    Object.assign(
      this.rows.find((r) => r.id === id)!,
      changes,
    );
  }
  async supersedeOpenMany(_tx: Tx, subjectType: SubjectType, subjectIds: string[]) {
    for (const r of this.rows) {
      if (r.subjectType === subjectType && subjectIds.includes(r.subjectId) && r.status === 'open' && (r.kind === 'post' || r.kind === 'message'))
        if (r.priority !== 'urgent' && r.subjectChange === null) r.status = 'superseded';
    }
  }
  async currentOpen(_tx: Tx, subjectType: SubjectType, subjectId: string) {
    const row = this.rows.find((r) => r.subjectType === subjectType && r.subjectId === subjectId && r.status === 'open' && r.subjectChange === null);
    return row ? { id: row.id, audience: row.audience } : null;
  }
  async queue(groupId: string, status: 'open' | 'decided', options: { adminItems: boolean; hideAuthor: string }) {
    return this.rows
      .filter((r) => r.groupId === groupId && r.status === status && (options.adminItems || r.audience === 'supporters'))
      .filter((r) => r.subjectAuthorId !== options.hideAuthor)
      .sort((a, b) => Number(b.priority === 'urgent') - Number(a.priority === 'urgent') || a.dueAt.getTime() - b.dueAt.getTime());
  }
}

/** Runs the work with a stand-in transaction (the fakes ignore it). */
export const fakeTransactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx), none: {} as Tx };
