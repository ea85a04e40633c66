import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { manager, type Tx } from '@kindred/database';
import { AuditEntry } from './audit-entry.entity';

export type NewAuditRow = Omit<AuditEntry, 'id'>;

/** `audit_log`: appended to in the caller's transaction, read a page at a time. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(tx: Tx, entry: NewAuditRow): Promise<void> {
    await manager(tx).insert(AuditEntry, entry as QueryDeepPartialEntity<AuditEntry>);
  }

  /** A group's entries, newest first, before the cursor's (at, id). */
  page(groupId: string, limit: number, before: { at: string; id: string } | null): Promise<AuditEntry[]> {
    const query = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('e')
      .where('e.group_id = :groupId', { groupId })
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(limit);
    if (before) query.andWhere('(e.at, e.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: before.at, id: before.id });
    return query.getMany();
  }
}
