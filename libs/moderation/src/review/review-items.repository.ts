import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { asTx, deleteInBatches, manager, type Tx } from '@kindred/database';
import { ReviewItem } from './review-item.entity';
import type { ReviewReason, SubjectChange, SubjectType } from './review.types';

export type NewReviewItem = Omit<ReviewItem, 'id'>;

/** What an edit carries over from a report item about the old words to the one about the new. */
export interface CarriedReport {
  groupId: string;
  subjectAuthorId: string | null;
  reasons: ReviewReason[];
  priority: string;
  audience: string;
  dueAt: Date;
  claimedBy: string | null;
  claimedAt: Date | null;
  overdueNotifiedAt: Date | null;
  escalatedAt: Date | null;
}

/** A group's queue health, as one statement computes it. */
export interface QueueHealth {
  open: number;
  overdue: number;
  urgentOpen: number;
  decidedLast24h: number;
  /** Seconds from opening to decision over the last 7 days, nearest-rank; null when none were decided. */
  p50: number | null;
  p95: number | null;
  breachesLast7d: number;
}

/** Words an open urgent review keeps after their author changed them, for the author's data export. */
export interface KeptWords {
  groupId: string;
  subjectType: SubjectType;
  subjectId: string;
  change: SubjectChange;
  words: string;
  createdAt: Date;
}

const CLAIM_OVERDUE = `UPDATE review_items SET overdue_notified_at = $1
          WHERE id IN (SELECT id FROM review_items
                        WHERE status = 'open' AND due_at <= $1 AND overdue_notified_at IS NULL
                        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;

// The item passes to the admins, so a supporter's claim on it ends, as when a supporter escalates.
const CLAIM_ESCALATION = `UPDATE review_items
            SET escalated_at = $1, audience = 'admins', overdue_notified_at = coalesce(overdue_notified_at, $1),
                claimed_by = NULL, claimed_at = NULL,
                reasons = reasons || jsonb_build_array(jsonb_build_object('source', 'escalation', 'detail', 'Not decided within twice its deadline'))
          WHERE id IN (SELECT id FROM review_items
                        WHERE status = 'open' AND escalated_at IS NULL AND review_escalates_at(created_at, due_at) <= $1
                        ORDER BY review_escalates_at(created_at, due_at) LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/** `review_items`: the queue, its items' lives (open, merged, superseded, kept, decided) and its deadlines. */
@Injectable()
export class ReviewItemsRepository {
  /** The item's columns under their entity names, for RETURNING. */
  private returning?: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(id: string, tx: Tx = asTx(this.dataSource.manager)): Promise<ReviewItem | null> {
    return manager(tx).findOne(ReviewItem, { where: { id } });
  }

  findMany(ids: string[]): Promise<ReviewItem[]> {
    return this.dataSource.getRepository(ReviewItem).find({ where: { id: In(ids) } });
  }

  /** Locks the item until the transaction ends; it must exist. */
  lock(tx: Tx, id: string): Promise<ReviewItem> {
    return manager(tx).getRepository(ReviewItem).createQueryBuilder('r').setLock('pessimistic_write').where('r.id = :id', { id }).getOneOrFail();
  }

  /** The open item describing the subject as it is now, locked; there is at most one. */
  lockOpenFor(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<ReviewItem | null> {
    return manager(tx)
      .getRepository(ReviewItem)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.subject_type = :type AND r.subject_id = :id AND r.status = :open AND r.subject_change IS NULL', {
        type: subjectType,
        id: subjectId,
        open: 'open',
      })
      .getOne();
  }

  /** Writes the item; it comes back with its id. */
  async insert(tx: Tx, values: NewReviewItem): Promise<ReviewItem> {
    const item = manager(tx).create(ReviewItem, values);
    await manager(tx).insert(ReviewItem, item as QueryDeepPartialEntity<ReviewItem>);
    return item;
  }

  async update(tx: Tx, id: string, changes: Partial<NewReviewItem>): Promise<void> {
    await manager(tx).update(ReviewItem, { id }, changes as QueryDeepPartialEntity<ReviewItem>);
  }

  /** A group's items in queue order (urgent first, then by deadline), without those by `hideAuthor`. */
  queue(groupId: string, status: 'open' | 'decided', options: { adminItems: boolean; hideAuthor: string }): Promise<ReviewItem[]> {
    const qb = this.dataSource
      .getRepository(ReviewItem)
      .createQueryBuilder('r')
      .where('r.group_id = :groupId AND r.status = :status', { groupId, status })
      .orderBy(`CASE WHEN r.priority = 'urgent' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('r.due_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(200);
    if (!options.adminItems) qb.andWhere(`r.audience = 'supporters'`);
    qb.andWhere('(r.subject_author_id IS NULL OR r.subject_author_id <> :me)', { me: options.hideAuthor });
    return qb.getMany();
  }

  /** Screening items (not urgent, not reports) about these subjects no longer describe them: superseded, in one statement. */
  async supersedeOpenMany(tx: Tx, subjectType: SubjectType, subjectIds: string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await manager(tx).query(
      `UPDATE review_items SET status = 'superseded'
        WHERE subject_type = $1 AND subject_id = ANY($2::uuid[]) AND status = 'open' AND kind IN ('post', 'message')
          AND priority <> 'urgent' AND subject_change IS NULL`,
      [subjectType, subjectIds],
    );
  }

  /** Supersedes the open item carrying reports about the subject (not an appeal); returns what it carried. */
  async supersedeReported(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<CarriedReport | null> {
    const [rows] = (await manager(tx).query(
      `UPDATE review_items SET status = 'superseded'
        WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL AND kind <> 'appeal'
          AND reasons @> '[{"source": "reports"}]'::jsonb
        RETURNING group_id, subject_author_id, reasons, priority, audience, due_at, claimed_by, claimed_at, overdue_notified_at, escalated_at`,
      [subjectType, subjectId],
    )) as [
      Array<{
        group_id: string;
        subject_author_id: string | null;
        reasons: ReviewReason[];
        priority: string;
        audience: string;
        due_at: Date;
        claimed_by: string | null;
        claimed_at: Date | null;
        overdue_notified_at: Date | null;
        escalated_at: Date | null;
      }>,
      number,
    ];
    const r = rows[0];
    if (!r) return null;
    return {
      groupId: r.group_id,
      subjectAuthorId: r.subject_author_id,
      reasons: r.reasons,
      priority: r.priority,
      audience: r.audience,
      dueAt: r.due_at,
      claimedBy: r.claimed_by,
      claimedAt: r.claimed_at,
      overdueNotifiedAt: r.overdue_notified_at,
      escalatedAt: r.escalated_at,
    };
  }

  /** A report item about the new revision, carrying the old one's deadline, claim and alerts. Returns its id. */
  async insertCarriedReport(tx: Tx, subjectType: SubjectType, subjectId: string, revision: number, carried: CarriedReport): Promise<string | null> {
    const [row] = (await manager(tx).query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, subject_revision, subject_author_id, reasons, priority, audience, status, created_at, due_at,
                                   claimed_by, claimed_at, overdue_notified_at, escalated_at)
         VALUES ($1, 'report', $2, $3, $4, $5, $6::jsonb, $7, $8, 'open', now(), $9, $10, $11, $12, $13) RETURNING id`,
      [
        carried.groupId,
        subjectType,
        subjectId,
        revision,
        carried.subjectAuthorId,
        JSON.stringify(carried.reasons),
        carried.priority,
        carried.audience,
        carried.dueAt,
        carried.claimedBy,
        carried.claimedAt,
        carried.overdueNotifiedAt,
        carried.escalatedAt,
      ],
    )) as Array<{ id: string }>;
    return row?.id ?? null;
  }

  /** Every open item about the subject that is not kept and not an appeal: superseded. */
  async supersedeAllOpen(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE review_items SET status = 'superseded' WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL AND kind <> 'appeal'`,
      [subjectType, subjectId],
    );
  }

  async openIds(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<string[]> {
    const rows = (await manager(tx).query(`SELECT id FROM review_items WHERE subject_type = $1 AND subject_id = $2 AND status = 'open'`, [
      subjectType,
      subjectId,
    ])) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  async openUrgentSubjectIds(tx: Tx, subjectType: SubjectType, authorId: string): Promise<string[]> {
    const rows = (await manager(tx).query(
      `SELECT DISTINCT subject_id FROM review_items WHERE subject_type = $1 AND subject_author_id = $2 AND status = 'open' AND priority = 'urgent'`,
      [subjectType, authorId],
    )) as Array<{ subject_id: string }>;
    return rows.map((r) => r.subject_id);
  }

  /** Open urgent items about these subjects keep the words that raised them (the first kept words stay), marked with the change. */
  async keepUrgent(tx: Tx, subjectType: SubjectType, subjects: Array<{ id: string; body: string }>, change: SubjectChange): Promise<void> {
    if (subjects.length === 0) return;
    await manager(tx).query(
      `UPDATE review_items r SET subject_change = $4, subject_snapshot = coalesce(r.subject_snapshot, s.body)
         FROM unnest($2::uuid[], $3::text[]) AS s(id, body)
        WHERE r.subject_type = $1 AND r.subject_id = s.id AND r.status = 'open' AND r.priority = 'urgent'`,
      [subjectType, subjects.map((s) => s.id), subjects.map((s) => s.body), change],
    );
  }

  async currentOpen(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<{ id: string; audience: string } | null> {
    const rows = (await manager(tx).query(
      `SELECT id, audience FROM review_items WHERE subject_type = $1 AND subject_id = $2 AND status = 'open' AND subject_change IS NULL`,
      [subjectType, subjectId],
    )) as Array<{ id: string; audience: string }>;
    return rows[0] ?? null;
  }

  /** The latest decided removal of the content that was not an appeal's refusal. */
  async lastRemoval(
    subjectType: SubjectType,
    subjectId: string,
    tx: Tx = asTx(this.dataSource.manager),
  ): Promise<{ id: string; decidedBy: string | null } | null> {
    const rows = (await manager(tx).query(
      `SELECT id, decided_by FROM review_items
        WHERE subject_type = $1 AND subject_id = $2 AND status = 'decided' AND kind <> 'appeal' AND decision->>'action' = 'remove'
        ORDER BY decided_at DESC LIMIT 1`,
      [subjectType, subjectId],
    )) as Array<{ id: string; decided_by: string | null }>;
    return rows[0] ? { id: rows[0].id, decidedBy: rows[0].decided_by } : null;
  }

  /** The deadline of the open item describing the subject now, if any. */
  async openDueAt(subjectType: SubjectType, subjectId: string): Promise<Date | null> {
    const row = await this.dataSource.getRepository(ReviewItem).findOne({ where: { subjectType, subjectId, status: 'open', subjectChange: IsNull() } });
    return row?.dueAt ?? null;
  }

  /** The most recent item about a subject, whichever its status. */
  latestFor(subjectId: string): Promise<ReviewItem | null> {
    return this.dataSource.getRepository(ReviewItem).findOne({ where: { subjectId }, order: { createdAt: 'DESC' } });
  }

  /** When the next open item becomes overdue, and when the next escalates (epoch ms rounded up): one index probe each. */
  async nextMoments(): Promise<{ overdueAt: number | null; escalationAt: number | null }> {
    const [row] = (await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM (SELECT min(due_at) FROM review_items WHERE status = 'open' AND overdue_notified_at IS NULL)) * 1000)::float8 AS overdue_at,
              ceil(extract(epoch FROM (SELECT min(review_escalates_at(created_at, due_at)) FROM review_items WHERE status = 'open' AND escalated_at IS NULL)) * 1000)::float8 AS escalation_at`,
    )) as Array<{ overdue_at: number | null; escalation_at: number | null }>;
    return { overdueAt: row?.overdue_at ?? null, escalationAt: row?.escalation_at ?? null };
  }

  /** Claims up to `limit` open items past their deadline and not yet told (several workers each claim different ones). */
  claimOverdue(tx: Tx, now: Date, limit: number): Promise<ReviewItem[]> {
    return this.claim(tx, CLAIM_OVERDUE, now, limit);
  }

  /** Claims up to `limit` open items past twice their deadline, and passes them to the admins. */
  claimEscalations(tx: Tx, now: Date, limit: number): Promise<ReviewItem[]> {
    return this.claim(tx, CLAIM_ESCALATION, now, limit);
  }

  /** Runs a claiming UPDATE and hands back the claimed items as entities, oldest deadline first, without reading them again. */
  private async claim(tx: Tx, sql: string, now: Date, limit: number): Promise<ReviewItem[]> {
    this.returning ??= this.dataSource
      .getMetadata(ReviewItem)
      .columns.map((c) => `${c.databaseName} AS "${c.propertyName}"`)
      .join(', ');
    const [rows] = (await manager(tx).query(`${sql} RETURNING ${this.returning}`, [now, limit])) as [ReviewItem[], number];
    return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /**
   * A group's queue health at `now`: supporters count the items they work (audience 'supporters'),
   * admins everything. Percentiles are nearest-rank (percentile_disc).
   */
  async health(groupId: string, now: Date, adminItems: boolean): Promise<QueueHealth> {
    const [r] = (await this.dataSource.query(
      `WITH items AS (
         SELECT * FROM review_items WHERE group_id = $1 AND ($3::boolean OR audience = 'supporters')
       )
       SELECT
         count(*) FILTER (WHERE status = 'open')::int AS open,
         count(*) FILTER (WHERE status = 'open' AND due_at <= $2)::int AS overdue,
         count(*) FILTER (WHERE status = 'open' AND priority = 'urgent')::int AS urgent_open,
         count(*) FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '24 hours')::int AS decided_24h,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
           FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '7 days') AS p50,
         percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
           FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '7 days') AS p95,
         count(*) FILTER (
           WHERE status IN ('open', 'decided') AND due_at > $2::timestamptz - interval '7 days' AND due_at <= $2
             AND (decided_at IS NULL OR decided_at > due_at)
         )::int AS breaches
       FROM items`,
      [groupId, now, adminItems],
    )) as Array<{
      open: number;
      overdue: number;
      urgent_open: number;
      decided_24h: number;
      p50: number | string | null;
      p95: number | string | null;
      breaches: number;
    }>;
    const seconds = (value: number | string | null) => (value === null ? null : Number(value));
    return {
      open: r!.open,
      overdue: r!.overdue,
      urgentOpen: r!.urgent_open,
      decidedLast24h: r!.decided_24h,
      p50: seconds(r!.p50),
      p95: seconds(r!.p95),
      breachesLast7d: r!.breaches,
    };
  }

  /** Open items in every group, per priority, and how many of them are overdue. */
  openByPriority(): Promise<Array<{ priority: string; open: number; overdue: number }>> {
    return this.dataSource.query(
      `SELECT priority, count(*)::int AS open, count(*) FILTER (WHERE due_at <= now())::int AS overdue FROM review_items WHERE status = 'open' GROUP BY priority`,
    );
  }

  keptWordsOf(authorId: string): Promise<KeptWords[]> {
    return this.dataSource.query(
      `SELECT group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", subject_change AS "change", subject_snapshot AS "words", created_at AS "createdAt"
         FROM review_items WHERE subject_author_id = $1 AND subject_snapshot IS NOT NULL ORDER BY created_at`,
      [authorId],
    );
  }

  /** Decided or superseded items older than `days`, deleted in batches; counts per group. Open items are never purged. */
  purgeClosedOlderThan(days: number, batchSize: number): Promise<Map<string, number>> {
    return deleteInBatches(
      this.dataSource,
      `DELETE FROM review_items WHERE id IN (
         SELECT id FROM review_items WHERE status <> 'open' AND coalesce(decided_at, created_at) < now() - make_interval(days => $2) LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING group_id`,
      [days],
      batchSize,
    );
  }
}
