import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PersonalDataContributor } from '@kindred/identity';

/** Memberships, applications (with their answers) and agreement acceptances. */
@Injectable()
export class GroupsPersonalData implements PersonalDataContributor {
  readonly section = 'groups';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async export(userId: string): Promise<unknown> {
    const [memberships, applications, acceptances] = await Promise.all([
      this.dataSource.query(
        `SELECT m.group_id AS "groupId", g.name AS "groupName", m.role, m.status, m.muted_until AS "mutedUntil", m.joined_at AS "joinedAt"
         FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY m.joined_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT id, group_id AS "groupId", answers, declaration, status, created_at AS "createdAt", decided_at AS "decidedAt", decision_reason AS "decisionReason"
         FROM applications WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT group_id AS "groupId", version, accepted_at AS "acceptedAt" FROM agreement_acceptances WHERE user_id = $1 ORDER BY accepted_at`,
        [userId],
      ),
    ]);
    return { memberships, applications, agreementAcceptances: acceptances };
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM applications WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM agreement_acceptances WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM memberships WHERE user_id = $1`, [userId]);
  }
}
