import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { ReviewItem } from './review-item.entity';
import type { NewReviewItem, ReviewItemsRepository } from './review-items.repository';
import type { ContentSource, ScreeningSubject, VerdictToApply } from '../screening-pipeline/screening-source';
import type { SubjectType, SubjectView } from './review.types';

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

/** Transactions that count how many ran and hand each its own stand-in, so a test can tell one transaction from two. */
export class CountingTransactions {
  opened: Tx[] = [];
  readonly none = { none: true } as unknown as Tx;
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = { n: this.opened.length + 1 } as unknown as Tx;
    this.opened.push(tx);
    return work(tx);
  }
}

/**
 * A content owner (forum posts or chat messages) kept in memory, as ScreeningSource and
 * ReviewedContent: what screening and review asked of it is recorded, in order.
 */
export class FakeContentSource implements ContentSource {
  rows = new Map<string, ScreeningSubject>();
  /** Verdicts applied one by one, with the transaction they were applied in. */
  applied: Array<{ tx: Tx; id: string; verdict: VerdictToApply }> = [];
  /** Batches published together, with the transaction (or `none`) they ran in. */
  batches: Array<{ tx: Tx; ids: string[] }> = [];
  after: Array<{ id: string; verdict: VerdictToApply; reasons: Array<{ source: string }> }> = [];
  published = new Map<string, number>();
  /** Set to make publishMany fail, as a lost connection would. */
  failPublishMany = false;
  publishManyIsOneStatement = false;

  constructor(
    readonly type: SubjectType,
    private readonly options: { batched?: boolean } = { batched: true },
  ) {
    if (!options.batched) {
      this.peek = undefined;
      this.publishMany = undefined;
    }
  }

  add(subject: Partial<ScreeningSubject> & { id: string }): ScreeningSubject {
    const row: ScreeningSubject = { type: this.type, groupId: 'g1', authorId: 'author', body: '', revision: 1, status: 'screening', ...subject };
    this.rows.set(row.id, row);
    return row;
  }

  async lockForVerdict(_tx: Tx, id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async applyVerdict(tx: Tx, subject: ScreeningSubject, verdict: VerdictToApply) {
    this.applied.push({ tx, id: subject.id, verdict });
    const row = this.rows.get(subject.id)!;
    row.status = verdict.status;
    row.body = verdict.body;
    if (verdict.fields) row.fields = { ...row.fields, ...verdict.fields };
  }
  peek?: (ids: string[]) => Promise<ScreeningSubject[]> = async (ids) => ids.flatMap((id) => (this.rows.has(id) ? [structuredClone(this.rows.get(id)!)] : []));
  publishMany?: (tx: Tx, items: Array<{ id: string; revision: number; body: string }>) => Promise<ScreeningSubject[]> = async (tx, items) => {
    if (this.failPublishMany) throw new Error('connection lost');
    this.batches.push({ tx, ids: items.map((i) => i.id) });
    const done: ScreeningSubject[] = [];
    for (const item of items) {
      const row = this.rows.get(item.id);
      if (!row || row.status !== 'screening' || row.revision !== item.revision) continue;
      Object.assign(row, { status: 'published', body: item.body });
      done.push(structuredClone(row));
    }
    return done;
  };
  async afterVerdict(subject: ScreeningSubject, verdict: VerdictToApply, reasons: Array<{ source: string }>) {
    this.after.push({ id: subject.id, verdict, reasons });
  }
  async publishedCount(authorId: string, groupId: string, atMost: number) {
    return Math.min(this.published.get(`${groupId}:${authorId}`) ?? 0, atMost);
  }
  async stuckInScreening(_olderThanSeconds: number, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.status === 'screening')
      .slice(0, limit)
      .map((r) => ({ id: r.id, revision: r.revision }));
  }
  async describe(ids: string[]) {
    const views = new Map<string, SubjectView>();
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row)
        views.set(id, {
          type: row.type,
          id,
          body: row.body,
          author: row.authorId ? { id: row.authorId, displayName: row.authorId } : null,
          groupId: row.groupId,
          status: row.status,
        });
    }
    return views;
  }
  async hide(_tx: Tx, id: string) {
    this.rows.get(id)!.status = 'hidden';
  }
  async setStatus(_tx: Tx, id: string, status: 'published' | 'removed') {
    this.rows.get(id)!.status = status;
  }
}
