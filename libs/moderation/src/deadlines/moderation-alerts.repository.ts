import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { ModerationAlert } from './moderation-alert.entity';

/** One review item's alert, for each of these people. */
export interface ItemAlerts {
  userIds: string[];
  groupId: string;
  subjectId: string;
}

/** `moderation_alerts`: unique per subject, kind and person, which makes each alert a claim several workers can race for. */
@Injectable()
export class ModerationAlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The person's alerts, newest first, before the cursor's (created_at, id). */
  page(userId: string, limit: number, before: { at: string; id: string } | null): Promise<ModerationAlert[]> {
    const query = this.dataSource
      .getRepository(ModerationAlert)
      .createQueryBuilder('a')
      .where('a.user_id = :userId', { userId })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit);
    if (before) query.andWhere('(a.created_at, a.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: before.at, id: before.id });
    return query.getMany();
  }

  /** Alerts about one subject; returns how many were new (0 when another worker got there first). */
  async insert(
    userIds: string[],
    groupId: string,
    subjectType: ModerationAlert['subjectType'],
    subjectId: string,
    kind: ModerationAlert['kind'],
  ): Promise<number> {
    if (userIds.length === 0) return 0;
    // INSERT … RETURNING comes back as the rows themselves (UPDATE gives [rows, count]).
    const rows = (await this.dataSource.query(
      `INSERT INTO moderation_alerts (user_id, group_id, subject_type, subject_id, kind)
     SELECT u, $2, $3, $4, $5 FROM unnest($1::uuid[]) AS u
     ON CONFLICT ON CONSTRAINT moderation_alerts_once_key DO NOTHING
     RETURNING id`,
      [userIds, groupId, subjectType, subjectId, kind],
    )) as unknown[];
    return rows.length;
  }

  /** Alerts for a batch of review items, in one statement. */
  async insertForItems(tx: Tx, alerts: ItemAlerts[], kind: ModerationAlert['kind']): Promise<void> {
    const rows = alerts.flatMap((a) => a.userIds.map((userId) => [userId, a.groupId, a.subjectId] as const));
    if (rows.length === 0) return;
    await manager(tx).query(
      `INSERT INTO moderation_alerts (user_id, group_id, subject_type, subject_id, kind)
     SELECT u, g, 'review-item', s, $4 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(u, g, s)
     ON CONFLICT ON CONSTRAINT moderation_alerts_once_key DO NOTHING`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), kind],
    );
  }

  /** Which kinds of alert these applications have had, as `id/kind`. */
  async sentForApplications(ids: string[]): Promise<Set<string>> {
    const done = (await this.dataSource.query(
      `SELECT subject_id, kind FROM moderation_alerts WHERE subject_type = 'application' AND subject_id = ANY($1::uuid[]) GROUP BY subject_id, kind`,
      [ids],
    )) as Array<{ subject_id: string; kind: string }>;
    return new Set(done.map((d) => `${d.subject_id}/${d.kind}`));
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", kind, created_at AS "createdAt"
         FROM moderation_alerts WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM moderation_alerts WHERE user_id = $1`, [userId]);
  }
}
