import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';

/** A person allowed to read the impact report's aggregates for one group, or (groupId null) every group. */
export interface CommissionerGrant {
  id: string;
  userId: string;
  groupId: string | null;
  grantedAt: Date;
}

const COLUMNS = `id, user_id AS "userId", group_id AS "groupId", granted_at AS "grantedAt"`;

/** `commissioner_grants`. */
@Injectable()
export class CommissionersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The grant, new or the one already there for the same person and scope. */
  async grant(userId: string, groupId: string | null, grantedBy: string): Promise<CommissionerGrant> {
    const [inserted] = (await this.dataSource.query(
      `INSERT INTO commissioner_grants (user_id, group_id, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [userId, groupId, grantedBy],
    )) as CommissionerGrant[];
    if (inserted) return inserted;
    const [existing] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM commissioner_grants WHERE user_id = $1 AND group_id IS NOT DISTINCT FROM $2`, [
      userId,
      groupId,
    ])) as CommissionerGrant[];
    return existing!;
  }

  async revoke(id: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(`DELETE FROM commissioner_grants WHERE id = $1 RETURNING id`, [id])) as [unknown[], number];
    return rows.length > 0;
  }

  grantsOf(userId: string): Promise<CommissionerGrant[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM commissioner_grants WHERE user_id = $1 ORDER BY granted_at, id`, [userId]);
  }

  list(): Promise<CommissionerGrant[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM commissioner_grants ORDER BY granted_at, id LIMIT 1000`);
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(`SELECT group_id AS "groupId", granted_at AS "grantedAt" FROM commissioner_grants WHERE user_id = $1 ORDER BY granted_at`, [
      userId,
    ]);
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM commissioner_grants WHERE user_id = $1`, [userId]);
  }
}
