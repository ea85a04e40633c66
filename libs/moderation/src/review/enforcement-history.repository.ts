import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { EnforcementHistoryEntry } from './enforcement-history.entity';

export type NewEnforcement = Pick<EnforcementHistoryEntry, 'groupId' | 'userId' | 'clauseKey' | 'action' | 'reviewItemId'>;

/** `enforcement_history`: each member's removals and sanctions per group, which stepped enforcement counts. */
@Injectable()
export class EnforcementHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(tx: Tx, entries: NewEnforcement[]): Promise<void> {
    for (const entry of entries) await manager(tx).insert(EnforcementHistoryEntry, entry);
  }

  /** An upheld appeal takes the decision's entries off the member's record. */
  async deleteForItem(tx: Tx, reviewItemId: string): Promise<void> {
    await manager(tx).delete(EnforcementHistoryEntry, { reviewItemId });
  }

  hasBan(tx: Tx, groupId: string, userId: string): Promise<boolean> {
    return manager(tx).existsBy(EnforcementHistoryEntry, { groupId, userId, action: 'ban' });
  }

  /** The entries of these members in these groups. */
  forMembers(userIds: string[], groupIds: string[]): Promise<EnforcementHistoryEntry[]> {
    if (userIds.length === 0 || groupIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(EnforcementHistoryEntry)
      .createQueryBuilder('h')
      .where('h.user_id IN (:...authors) AND h.group_id IN (:...groups)', { authors: userIds, groups: groupIds })
      .getMany();
  }

  /** Whether the member's `action` in the group came with a decision about this subject. */
  async imposedOver(userId: string, groupId: string, action: string, subjectId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM enforcement_history e JOIN review_items r ON r.id = e.review_item_id
        WHERE e.user_id = $1 AND e.group_id = $2 AND e.action = $3 AND r.subject_id = $4 LIMIT 1`,
      [userId, groupId, action, subjectId],
    )) as unknown[];
    return rows.length > 0;
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT group_id AS "groupId", clause_key AS "clauseKey", action, created_at AS "createdAt" FROM enforcement_history WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM enforcement_history WHERE user_id = $1`, [userId]);
  }
}
