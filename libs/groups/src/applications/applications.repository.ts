import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import { Application, ApplicationStatus } from './application.entity';

export type NewApplication = Omit<Application, 'id' | 'createdAt'>;
export type ApplicationDecision = Pick<Application, 'status' | 'decidedBy' | 'decidedAt' | 'decisionReason'>;

/** `applications`. */
@Injectable()
export class ApplicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One application at a time per person and group, for the rest of the transaction. */
  async lockApplicant(tx: Tx, groupId: string, userId: string): Promise<void> {
    await manager(tx).query(`SELECT pg_advisory_xact_lock(hashtext('application:' || $1 || ':' || $2))`, [groupId, userId]);
  }

  hasPending(groupId: string, userId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<boolean> {
    return manager(tx)
      .getRepository(Application)
      .exists({ where: { groupId, userId, status: 'pending' } });
  }

  /** Inserts; a second pending application of the same person to the same group is a unique violation (23505). */
  async insert(tx: Tx, values: NewApplication): Promise<Application> {
    const row = manager(tx).create(Application, values);
    await manager(tx).insert(Application, row);
    return row;
  }

  find(id: string): Promise<Application | null> {
    return this.dataSource.getRepository(Application).findOne({ where: { id } });
  }

  /** The person's latest application to the group, or null. */
  latestFor(groupId: string, userId: string): Promise<Application | null> {
    return this.dataSource.getRepository(Application).findOne({ where: { groupId, userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  findForUpdate(tx: Tx, id: string): Promise<Application | null> {
    return manager(tx)
      .getRepository(Application)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async decide(tx: Tx, id: string, decision: ApplicationDecision): Promise<void> {
    await manager(tx).update(Application, { id }, decision);
  }

  /** A group's applications in one status, oldest first, after the cursor's (created_at, id). */
  page(groupId: string, status: ApplicationStatus, limit: number, after: { at: string; id: string } | null): Promise<Application[]> {
    const query = this.dataSource
      .getRepository(Application)
      .createQueryBuilder('a')
      .where('a.group_id = :groupId AND a.status = :status', { groupId, status })
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .limit(limit);
    if (after) query.andWhere('(a.created_at, a.id) > (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: after.at, id: after.id });
    return query.getMany();
  }

  /** Pending applications whose deadline has passed, latest deadline first. */
  pendingPastDue(now: Date, limit: number): Promise<Application[]> {
    return this.dataSource
      .getRepository(Application)
      .createQueryBuilder('a')
      .where(`a.status = 'pending' AND a.due_at IS NOT NULL AND a.due_at <= :now`, { now })
      .orderBy('a.due_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** The person's applications with their answers, for their data export. */
  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, group_id AS "groupId", answers, declaration, status, created_at AS "createdAt", decided_at AS "decidedAt", decision_reason AS "decisionReason"
         FROM applications WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM applications WHERE user_id = $1`, [userId]);
  }
}
