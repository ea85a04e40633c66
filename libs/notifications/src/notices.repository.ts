import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, deleteInBatches, manager, type Tx } from '@kindred/database';
import { Notice, NoticeKind } from './notice.entity';

export interface NewNoticeRow {
  userId: string;
  kind: NoticeKind;
  groupId: string | null;
  subjectId: string | null;
  clauseKey: string | null;
  message: string;
  resources: object[] | null;
  appealable: boolean;
  until?: Date | null;
  quote?: string | null;
}

/** A notice as the person's data export lists it. */
export interface ExportedNotice {
  id: string;
  kind: NoticeKind;
  groupId: string | null;
  subjectId: string | null;
  clauseKey: string | null;
  message: string;
  resources: unknown[] | null;
  appealable: boolean;
  until: Date | null;
  quote: string | null;
  createdAt: Date;
}

/** `notices`: every query the notifications context makes. */
@Injectable()
export class NoticesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the notice in the caller's transaction, or on its own; the row comes back with its id and time. */
  async insert(values: NewNoticeRow, tx: Tx = asTx(this.dataSource.manager)): Promise<Notice> {
    const row = manager(tx).create(Notice, { until: null, quote: null, ...values });
    await manager(tx).insert(Notice, row);
    return row;
  }

  find(id: string): Promise<Notice | null> {
    return this.dataSource.getRepository(Notice).findOne({ where: { id } });
  }

  /** The person's notices, newest first, after the cursor's (created_at, id). */
  page(userId: string, limit: number, before: { at: string; id: string } | null): Promise<Notice[]> {
    const query = this.dataSource
      .getRepository(Notice)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId })
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(limit);
    if (before) query.andWhere('(n.created_at, n.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: before.at, id: before.id });
    return query.getMany();
  }

  /** Deletes notices older than `days` in batches; counts per group ("" for none). */
  purgeOlderThan(days: number, batchSize: number): Promise<Map<string, number>> {
    return deleteInBatches(
      this.dataSource,
      `DELETE FROM notices WHERE id IN (SELECT id FROM notices WHERE created_at < now() - make_interval(days => $2) LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING group_id`,
      [days],
      batchSize,
    );
  }

  exportFor(userId: string): Promise<ExportedNotice[]> {
    return this.dataSource.query(
      `SELECT id, kind, group_id AS "groupId", subject_id AS "subjectId", clause_key AS "clauseKey", message, resources, appealable, until, quote, created_at AS "createdAt"
       FROM notices WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    ) as Promise<ExportedNotice[]>;
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM notices WHERE user_id = $1`, [userId]);
  }
}
