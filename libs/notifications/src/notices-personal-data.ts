import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';

/** Notices sent to a member (decisions about their words, signposting, application outcomes). */
@Injectable()
export class NoticesPersonalData implements PersonalDataContributor {
  readonly section = 'notices';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  export(userId: string): Promise<unknown> {
    return this.dataSource.query(
      `SELECT id, kind, group_id AS "groupId", subject_id AS "subjectId", clause_key AS "clauseKey", message, resources, appealable, created_at AS "createdAt"
       FROM notices WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM notices WHERE user_id = $1`, [userId]);
  }
}
