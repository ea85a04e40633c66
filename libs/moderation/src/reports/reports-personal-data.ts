import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';

/** The reports a member made. Reports about a member's words belong to the moderation record, keyed by ids only. */
@Injectable()
export class ReportsPersonalData implements PersonalDataContributor {
  readonly section = 'reportsMade';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  export(userId: string): Promise<unknown> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", subject_type AS "subjectType", subject_id AS "subjectId", clause_key AS "clauseKey", note, created_at AS "createdAt"
       FROM content_reports WHERE reporter_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM content_reports WHERE reporter_id = $1`, [userId]);
  }
}
