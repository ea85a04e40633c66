import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';

/**
 * What moderation holds about a member as a person: reports they made, appeals they wrote, alerts
 * sent to them as a supporter, and their enforcement history. The audit log keeps ids only and is
 * left as it is: it is the record of what moderators did.
 */
@Injectable()
export class ModerationPersonalData implements PersonalDataContributor {
  readonly section = 'moderation';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export(userId: string): Promise<unknown> {
    const [reportsMade, appeals, alerts, enforcementHistory, keptWords] = await Promise.all([
      this.dataSource.query(
        `SELECT id, group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", clause_key AS "clauseKey", note, created_at AS "createdAt"
         FROM content_reports WHERE reporter_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT a.id, a.notice_id AS "noticeId", r.appeal->>'text' AS text, r.status AS "reviewStatus", a.created_at AS "createdAt"
         FROM appeals a LEFT JOIN review_items r ON r.id = a.review_item_id WHERE a.user_id = $1 ORDER BY a.created_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT id, group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", kind, created_at AS "createdAt"
         FROM moderation_alerts WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT group_id AS "groupId", clause_key AS "clauseKey", action, created_at AS "createdAt" FROM enforcement_history WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      ),
      // Words the member edited or deleted that an open urgent review still keeps for a supporter to read.
      this.dataSource.query(
        `SELECT group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", subject_change AS "change", subject_snapshot AS "words", created_at AS "createdAt"
         FROM review_items WHERE subject_author_id = $1 AND subject_snapshot IS NOT NULL ORDER BY created_at`,
        [userId],
      ),
    ]);
    return { reportsMade, appeals, alerts, enforcementHistory, keptWords };
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    // An appeal's words live on its review item too: blank them, keep the ids.
    await manager.query(
      `UPDATE review_items SET appeal = jsonb_set(appeal, '{text}', '""'::jsonb) WHERE id IN (SELECT review_item_id FROM appeals WHERE user_id = $1) AND appeal IS NOT NULL`,
      [userId],
    );
    await manager.query(`DELETE FROM appeals WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM content_reports WHERE reporter_id = $1`, [userId]);
    await manager.query(`DELETE FROM moderation_alerts WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM enforcement_history WHERE user_id = $1`, [userId]);
  }
}
