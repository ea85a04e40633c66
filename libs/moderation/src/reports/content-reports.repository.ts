import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import type { SubjectType } from '../review/review.types';
import { ContentReport } from './content-report.entity';

export type NewContentReport = Pick<ContentReport, 'groupId' | 'subjectType' | 'subjectId' | 'reporterId' | 'clauseKey' | 'note'>;
export type ReportOnSubject = Pick<ContentReport, 'subjectId' | 'reporterId' | 'clauseKey' | 'note' | 'createdAt'>;

/** `content_reports`: one per member and subject. */
@Injectable()
export class ContentReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The report's id, or null when this member already reported the subject. */
  async insert(tx: Tx, values: NewContentReport): Promise<string | null> {
    const inserted = await manager(tx).createQueryBuilder().insert().into(ContentReport).values(values).orIgnore().returning(['id']).execute();
    return (inserted.raw as Array<{ id: string }>)[0]?.id ?? null;
  }

  async reporterCount(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<number> {
    const [{ count }] = (await manager(tx).query(
      `SELECT count(DISTINCT reporter_id)::int AS count FROM content_reports WHERE subject_type = $1 AND subject_id = $2`,
      [subjectType, subjectId],
    )) as Array<{ count: number }>;
    return count;
  }

  /**
   * The reporters of a subject not yet told an outcome, marked told in the same statement (inside the
   * decision's transaction, under the subject's row lock), so each report is told once.
   */
  async takeUntoldReporters(tx: Tx, subjectType: SubjectType, subjectId: string): Promise<string[]> {
    // UPDATE … RETURNING comes back as [rows, count].
    const [rows] = (await manager(tx).query(
      `UPDATE content_reports SET outcome_told_at = now()
        WHERE subject_type = $1 AND subject_id = $2 AND outcome_told_at IS NULL AND reporter_id IS NOT NULL
        RETURNING reporter_id`,
      [subjectType, subjectId],
    )) as [Array<{ reporter_id: string }>, number];
    return [...new Set(rows.map((r) => r.reporter_id))];
  }

  /** Every report on these subjects, oldest first. */
  async onSubjects(subjectIds: string[]): Promise<ReportOnSubject[]> {
    if (subjectIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT subject_id, reporter_id, clause_key, note, created_at FROM content_reports WHERE subject_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [subjectIds],
    )) as Array<{ subject_id: string; reporter_id: string | null; clause_key: string; note: string | null; created_at: Date }>;
    return rows.map((r) => ({ subjectId: r.subject_id, reporterId: r.reporter_id, clauseKey: r.clause_key, note: r.note, createdAt: r.created_at }));
  }

  exportFor(reporterId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", clause_key AS "clauseKey", note, created_at AS "createdAt"
         FROM content_reports WHERE reporter_id = $1 ORDER BY created_at`,
      [reporterId],
    );
  }

  async eraseFor(tx: Tx, reporterId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM content_reports WHERE reporter_id = $1`, [reporterId]);
  }
}
